"""``{OPEN_API_URL}/specs.json``, ``/docs``, ``/redoc`` and the vendored UI assets, through the TestClient."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.testing import TestClient


@path("/pets")
class PetsApi(Controller):
    @get("/<int:pet_id>")
    async def get_pet(self, req: Request, pet_id: int) -> Response:
        """Fetch one pet."""
        return req.response.json({"id": pet_id})


def make(**settings: Any) -> Surge:
    application = Surge(__name__, configs=BaseConfig(**settings))
    application.register_controller(PetsApi)
    return application


async def test_debug_app_serves_the_spec_and_both_docs_pages() -> None:
    async with TestClient(make(DEBUG=True)) as client:
        res = await client.get("/openapi/specs.json")
        assert res.status_code == 200
        assert res.headers["content-type"] == "application/json"
        spec = res.json()
        validate(spec)
        assert "/pets/{pet_id}" in spec["paths"]
        assert (await client.get("/openapi/specs.json")).content == res.content

        docs = await client.get("/openapi/docs")
        assert docs.status_code == 200
        assert docs.headers["content-type"].startswith("text/html")
        assert '"/openapi/specs.json"' in docs.text
        redoc = await client.get("/openapi/redoc")
        assert 'spec-url="/openapi/specs.json"' in redoc.text
        redirect = await client.get("/openapi", follow_redirects=False)
        assert redirect.status_code == 307 and redirect.headers["location"] == "/openapi/docs"


async def test_docs_pages_load_nothing_from_the_internet() -> None:
    async with TestClient(make(DEBUG=True)) as client:
        for page in ("/openapi/docs", "/openapi/redoc"):
            html = (await client.get(page)).text
            assets = re.findall(r'(?:src|href)="([^"]+)"', html)
            assert assets, page
            for asset in assets:
                assert asset.startswith("/openapi/static/"), asset
                res = await client.get(asset)
                assert res.status_code == 200, asset
                assert len(res.content) > 500
                assert res.headers["cache-control"] == "public, max-age=86400"


async def test_assets_have_types_and_stay_inside_the_package() -> None:
    async with TestClient(make(DEBUG=True)) as client:
        js = await client.get("/openapi/static/swagger-ui-bundle.js")
        assert "javascript" in js.headers["content-type"]
        css = await client.get("/openapi/static/swagger-ui.css")
        assert css.headers["content-type"].startswith("text/css")
        assert (await client.get("/openapi/static/LICENSE.swagger-ui")).status_code == 200
        assert (await client.get("/openapi/static/..%2Fcontroller.py")).status_code == 404
        assert (await client.get("/openapi/static/../controller.py")).status_code == 404
        assert (await client.get("/openapi/static/nope.js")).status_code == 404


@pytest.mark.parametrize(
    ("settings", "served"),
    [
        ({"DEBUG": False}, False),
        ({"DEBUG": False, "OPEN_API_IN_PRODUCTION": True}, True),
        ({"DEBUG": True, "OPEN_API": False}, False),
    ],
)
async def test_spec_is_served_in_debug_only_unless_configured(settings: dict[str, Any], served: bool) -> None:
    async with TestClient(make(**settings)) as client:
        res = await client.get("/openapi/specs.json")
        assert res.status_code == (200 if served else 404)
        assert (await client.get("/openapi/docs")).status_code == (200 if served else 404)
        assert (await client.get("/pets/1")).status_code == 200


async def test_custom_open_api_url_and_description() -> None:
    application = make(DEBUG=True, OPEN_API_URL="/api-docs/", OPEN_API_DESCRIPTION="Pets, all of them")
    async with TestClient(application) as client:
        spec = (await client.get("/api-docs/specs.json")).json()
        assert spec["info"]["description"] == "Pets, all of them"
        docs = (await client.get("/api-docs/docs")).text
        assert '"/api-docs/specs.json"' in docs
        assert 'href="/api-docs/static/swagger-ui.css"' in docs
        assert (await client.get("/openapi/specs.json")).status_code == 404


async def test_docs_urls_honour_the_asgi_root_path() -> None:
    transport = httpx.ASGITransport(app=make(DEBUG=True), root_path="/svc")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        docs = (await client.get("/openapi/docs")).text
        assert '"/svc/openapi/specs.json"' in docs
        assert 'src="/svc/openapi/static/swagger-ui-bundle.js"' in docs
