"""CORS: global policy, @cors, @no_cors, preflight, refusals."""

import pytest

from surge import Request
from surge.controller import Controller, cors, delete, get, no_cors, path, post
from surge.exceptions import NotFound
from surge.testing import TestClient

from surge_testkit import make_app


@path("/api")
class Api(Controller):
    @get("/open")
    async def open(self, req: Request) -> dict:
        return {"ok": True}

    @post("/open")
    async def open_post(self, req: Request) -> dict:
        return {"ok": True}

    @delete("/open")
    async def open_delete(self, req: Request) -> dict:
        return {"ok": True}

    @get("/strict")
    @cors(allow_origins=["https://good.example"], allow_credentials=False, max_age=600, expose_headers=["X-Total"])
    async def strict(self, req: Request) -> dict:
        return {"ok": True}

    @get("/fail")
    async def fail(self, req: Request) -> dict:
        raise NotFound("gone")

    @get("/none")
    @no_cors
    async def none(self, req: Request) -> dict:
        return {"ok": True}


@pytest.fixture
async def client():
    app = make_app(Api, CORS_ALLOW_METHODS=["GET", "POST"])
    async with TestClient(app) as c:
        yield c


async def test_wildcard_never_sends_credentials(client) -> None:
    # the seed's defaults (["*"], credentials on) must not let any site read a user's responses
    res = await client.get("/api/open", headers={"origin": "https://evil.example"})
    assert res.status_code == 200
    assert res.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in res.headers
    res = await client.options(
        "/api/open", headers={"origin": "https://evil.example", "access-control-request-method": "POST"}
    )
    assert res.status_code == 204
    assert res.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in res.headers


async def test_named_origin_gets_credentials() -> None:
    app = make_app(Api, CORS_ALLOW_ORIGINS=["https://app.example", "*"])
    async with TestClient(app) as c:
        res = await c.get("/api/open", headers={"origin": "https://app.example"})
        assert res.headers["access-control-allow-origin"] == "https://app.example"
        assert res.headers["access-control-allow-credentials"] == "true"
        assert res.headers["vary"] == "Origin"
        res = await c.get("/api/open", headers={"origin": "https://other.example"})
        assert res.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in res.headers
        assert res.headers["vary"] == "Origin"


async def test_no_origin_no_cors_headers(client) -> None:
    res = await client.get("/api/open")
    assert "access-control-allow-origin" not in res.headers


async def test_preflight(client) -> None:
    res = await client.options(
        "/api/open",
        headers={
            "origin": "https://any.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert res.status_code == 204
    assert res.headers["access-control-allow-methods"] == "GET, POST"
    assert res.headers["access-control-allow-headers"] == "Authorization, Content-Type"


async def test_preflight_refuses_method_and_header(client) -> None:
    res = await client.options(
        "/api/open", headers={"origin": "https://a.example", "access-control-request-method": "DELETE"}
    )
    assert res.status_code == 405
    assert res.headers["allow"] == "GET, POST"
    assert res.json() == {"status": "error", "message": "Method DELETE is not allowed by CORS"}
    res = await client.options(
        "/api/open",
        headers={
            "origin": "https://a.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-secret",
        },
    )
    assert res.status_code == 403


async def test_method_not_in_policy_is_405(client) -> None:
    res = await client.delete("/api/open", headers={"origin": "https://a.example"})
    assert res.status_code == 405


async def test_preflight_refused_origin_is_403() -> None:
    app = make_app(Api, CORS_ALLOW_ORIGINS=["https://app.example"], CORS_ALLOW_METHODS=["GET"])
    async with TestClient(app) as c:
        headers = {"origin": "https://evil.example", "access-control-request-method": "DELETE"}
        res = await c.options("/api/open", headers=headers)
        assert res.status_code == 403
        assert "access-control-allow-origin" not in res.headers


async def test_endpoint_policy(client) -> None:
    res = await client.get("/api/strict", headers={"origin": "https://evil.example"})
    assert res.status_code == 403
    assert "not allowed" in res.json()["message"]
    res = await client.get("/api/strict", headers={"origin": "https://good.example"})
    assert res.status_code == 200
    assert res.headers["access-control-allow-origin"] == "https://good.example"
    assert "access-control-allow-credentials" not in res.headers
    assert res.headers["access-control-expose-headers"] == "X-Total"
    res = await client.options(
        "/api/strict", headers={"origin": "https://good.example", "access-control-request-method": "GET"}
    )
    assert res.headers["access-control-max-age"] == "600"


async def test_no_cors_endpoint(client) -> None:
    res = await client.get("/api/none", headers={"origin": "https://any.example"})
    assert res.status_code == 200
    assert "access-control-allow-origin" not in res.headers


async def test_wildcard_without_credentials_sends_star() -> None:
    app = make_app(Api, CORS_ALLOW_CREDENTIALS=False)
    async with TestClient(app) as c:
        res = await c.get("/api/open", headers={"origin": "https://x.example"})
        assert res.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in res.headers


async def test_cors_disabled_globally() -> None:
    app = make_app(Api, CORS_ENABLED=False)
    async with TestClient(app) as c:
        res = await c.get("/api/open", headers={"origin": "https://x.example"})
        assert res.status_code == 200
        assert "access-control-allow-origin" not in res.headers


async def test_error_responses_carry_cors_headers(client) -> None:
    res = await client.get("/api/fail", headers={"origin": "https://a.example"})
    assert res.status_code == 404
    assert res.headers["access-control-allow-origin"] == "*"
