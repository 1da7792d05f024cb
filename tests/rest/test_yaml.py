"""A declarative YAML file boots a working API with no Python classes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from surge.http.request import Request
from surge.http.response import Response
from surge.rest import ConfigurationError, Middleware
from surge.rest.yaml import app_from_yaml
from surge.testing import TestClient

from rest_testkit import Target

SECRET = "yaml-secret-that-is-long-enough-for-hs256"

SPEC = """
database:
  url: "${DATABASE_URL}"
cors_origins:
  - "https://myapp.com"
jwt_secret: "${JWT_SECRET:-yaml-secret-that-is-long-enough-for-hs256}"
login_validator: "test_yaml:validator"

defaults:
  authentication:
    backend: JWTAuthentication
    permission: IsAuthenticated
  pagination:
    style: page_number
    page_size: 2

middleware:
  - CORSMiddleware
  - "test_yaml:StampMiddleware"

endpoints:
  - route: /products
    fields:
      name:        { type: str, max_length: 200 }
      price:       { type: float, ge: 0 }
      in_stock:    { type: bool, default: true }
      note:        { type: str, optional: true }
    meta:
      methods: [GET, POST, PUT, DELETE]
      filtering:
        fields:   [in_stock]
        ordering: [price]

  - route: /orders
    fields:
      reference: { type: str, unique: true }
      total:     { type: decimal, decimal_places: 2 }
    meta:
      methods: [GET, POST]
      authentication:
        permission: AllowAny

  - route: /notes
    fields:
      text: { type: str, min_length: 1 }
    meta:
      methods:
        GET: { permission: AllowAny }
        POST:
        DELETE: { permission: IsAdminUser }
      pagination: { style: cursor, page_size: 10 }
"""


def validator(username: str, password: str) -> dict[str, Any] | None:
    if password != "pw":
        return None
    return {"sub": username, "is_admin": username == "admin"}


class StampMiddleware(Middleware):
    async def process(self, request: Request, response: Response | None) -> Response | None:
        if response is None and request.headers.get("x-block"):
            return request.app.response_class(request).json({"detail": "blocked"}).status(429)
        if response is not None:
            response.headers["X-Served-By"] = "surge-rest"
        return None


def _write(tmp_path: Path, text: str, target: Target | None = None) -> Path:
    document = yaml.safe_load(text)
    if target is not None and target.engine_options:
        document["database"]["options"] = {"ENGINE_OPTIONS": target.engine_options}
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


async def _token(client: Any, username: str) -> dict[str, str]:
    response = await client.post("/auth/token", json={"username": username, "password": "pw"})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_yaml_boots_a_working_api(target: Target, tmp_path: Path) -> None:
    url = target.uri.replace("+aiosqlite", "").replace("+asyncpg", "")  # the seed's sync URLs work too
    app = app_from_yaml(_write(tmp_path, SPEC, target), environ={"DATABASE_URL": url})
    async with TestClient(app) as client:
        assert (await client.get("/products")).status_code == 401  # defaults.authentication
        user = await _token(client, "ann")
        admin = await _token(client, "admin")
        for name, price in (("a", 3.0), ("b", 1.0), ("c", 2.0)):
            created = await client.post("/products", json={"name": name, "price": price}, headers=user)
            assert created.status_code == 201 and created.json()["in_stock"] is True
            assert created.headers["x-served-by"] == "surge-rest"
        page = (await client.get("/products?ordering=price", headers=user)).json()
        assert page["count"] == 3 and page["pages"] == 2 and [p["name"] for p in page["results"]] == ["b", "c"]
        assert (await client.get("/products?in_stock=false", headers=user)).json()["count"] == 0
        assert (await client.patch("/products/1", json={"version": 1}, headers=user)).status_code == 405
        assert (await client.delete("/products/1", headers=user)).status_code == 204
        invalid = await client.post("/products", json={"name": "x" * 201, "price": -1}, headers=user)
        assert [e["loc"] for e in invalid.json()["detail"]] == [["body", "name"], ["body", "price"]]

        order = await client.post("/orders", json={"reference": "R1", "total": "9.5"})  # AllowAny override
        assert order.status_code == 201 and order.json()["total"] == "9.50"
        assert (await client.post("/orders", json={"reference": "R1", "total": "1"})).status_code == 409
        assert (await client.get("/orders/1")).status_code == 200
        assert (await client.delete("/orders/1")).status_code == 405

        assert (await client.get("/notes")).status_code == 200  # per-method permission
        assert (await client.post("/notes", json={"text": "t"})).status_code == 401  # the default
        assert (await client.post("/notes", json={"text": "t"}, headers=user)).status_code == 201
        assert (await client.delete("/notes/1", headers=user)).status_code == 403
        assert (await client.delete("/notes/1", headers=admin)).status_code == 204
        assert set((await client.get("/notes")).json()) == {"next", "previous", "results"}  # cursor style

        blocked = await client.get("/orders", headers={"x-block": "1"})
        assert blocked.status_code == 429 and blocked.json() == {"detail": "blocked"}
        preflight = await client.options(
            "/orders", headers={"Origin": "https://myapp.com", "Access-Control-Request-Method": "POST"}
        )
        assert preflight.headers["access-control-allow-origin"] == "https://myapp.com"
    assert [row[0] for row in await target.fetch("SELECT reference FROM orders")] == ["R1"]


def _error(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigurationError) as caught:
        app_from_yaml(_write(tmp_path, text), environ=environ or {"DATABASE_URL": "sqlite:///" + str(tmp_path / "x.db")})
    return str(caught.value)


def test_schema_errors_name_the_offending_field(tmp_path: Path) -> None:
    bad_type = SPEC.replace("price:       { type: float, ge: 0 }", "price:       { type: money }")
    assert "endpoints[0].fields.price.type: Input should be 'str', 'int'" in _error(tmp_path, bad_type)
    typo = SPEC.replace("page_size: 2", "page_sise: 2")
    assert "defaults.pagination.page_sise: Extra inputs are not permitted" in _error(tmp_path, typo)
    bad_method = SPEC.replace("methods: [GET, POST]", "methods: [GET, FETCH]")
    assert "endpoints[1].meta.methods" in _error(tmp_path, bad_method)
    no_route = SPEC.replace("  - route: /orders\n", "  - path: /orders\n")
    message = _error(tmp_path, no_route)
    assert "endpoints[1].route: Field required" in message and "endpoints[1].path: Extra inputs" in message
    unknown_permission = SPEC.replace("permission: AllowAny", "permission: AllowEveryone")
    assert "endpoints[1].authentication.permission" in _error(tmp_path, unknown_permission)
    bad_filter = SPEC.replace("fields:   [in_stock]", "fields:   [colour]")
    assert "endpoints[0] (/products)" in _error(tmp_path, bad_filter) and "'colour'" in _error(tmp_path, bad_filter)


def test_unset_variables_are_named(tmp_path: Path) -> None:
    assert "database.url: environment variable DATABASE_URL is not set" in _error(tmp_path, SPEC, environ={"X": "1"})


def test_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("database: [unclosed")
    with pytest.raises(ConfigurationError, match="is not valid YAML"):
        app_from_yaml(path)
    with pytest.raises(ConfigurationError, match="Cannot read"):
        app_from_yaml(tmp_path / "missing.yaml")


PYTHON_CLASS_SPEC = """
database:
  url: "sqlite+aiosqlite:///${DB_PATH}"
endpoints:
  - route: /gadgets
    endpoint: "test_yaml:GadgetEndpoint"
"""


from surge.rest import Field, RestEndpoint  # noqa: E402


class GadgetEndpoint(RestEndpoint):
    label: str = Field(min_length=1)


async def test_endpoints_may_name_python_classes(tmp_path: Path) -> None:
    app = app_from_yaml(_write(tmp_path, PYTHON_CLASS_SPEC), environ={"DB_PATH": str(tmp_path / "g.db")})
    async with TestClient(app) as client:
        assert (await client.post("/gadgets", json={"label": "g"})).status_code == 201
        assert (await client.get("/gadgets")).json()["results"][0]["label"] == "g"
