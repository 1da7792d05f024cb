"""The seed README's CORS section: the global policy, @cors, @no_cors, refusals.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from surge import Request, Response
from surge.controller import Controller, cors, delete, get, no_cors, path
from surge.testing import TestClient

from surge_testkit import make_app


@path("/cors")
class CorsApi(Controller):
    @get("/")
    async def default_policy(self, req: Request) -> Response:
        return req.response.json({"ok": True})

    @delete("/")
    async def remove(self, req: Request) -> Response:
        return req.response.no_content()

    @get("/off")
    @no_cors
    async def my_endpoint(self, req: Request) -> Response:
        """some endpoint logic"""
        return req.response.json({"cors": False})

    @get("/custom")
    @cors(
        allow_origins=["https://special.example"],
        allow_methods=["GET"],
        allow_headers=["X-Special"],
        expose_headers=["X-Exposed"],
        allow_credentials=False,
        max_age=600,
    )
    async def custom(self, req: Request) -> Response:
        return req.response.json({"cors": "custom"}).set_header("X-Exposed", "1")


async def test_cors_default_policy() -> None:
    async with TestClient(make_app(CorsApi)) as client:
        res = await client.get("/cors", headers={"Origin": "https://any.example"})
        assert res.status_code == 200
        # "*" never carries credentials (safe default; named origins get them)
        assert res.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in res.headers
        res = await client.options(
            "/cors",
            headers={
                "Origin": "https://any.example",
                "Access-Control-Request-Method": "DELETE",
                "Access-Control-Request-Headers": "Authorization, Content-Type",
            },
        )
        assert res.status_code in (200, 204)
        assert "DELETE" in res.headers["access-control-allow-methods"]
        assert res.headers["access-control-allow-headers"] == "Authorization, Content-Type"
        assert "access-control-max-age" not in res.headers  # CORS_MAX_AGE=None disables it


async def test_cors_forbidden_origin_is_403_and_method_is_405() -> None:
    application = make_app(
        CorsApi,
        CORS_ALLOW_ORIGINS=["https://app.example"],
        CORS_ALLOW_METHODS=["GET", "OPTIONS"],
        CORS_EXPOSE_HEADERS=["X-Total"],
        CORS_MAX_AGE=120,
    )
    async with TestClient(application) as client:
        res = await client.get("/cors", headers={"Origin": "https://evil.example"})
        assert res.status_code == 403
        res = await client.delete("/cors", headers={"Origin": "https://app.example"})
        assert res.status_code == 405
        res = await client.get("/cors", headers={"Origin": "https://app.example"})
        assert res.status_code == 200
        assert res.headers["access-control-allow-origin"] == "https://app.example"
        assert res.headers["access-control-expose-headers"] == "X-Total"
        res = await client.options(
            "/cors", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
        )
        assert res.headers["access-control-max-age"] == "120"
        assert res.headers["access-control-allow-credentials"] == "true"
        # a preflight for a method outside CORS_ALLOW_METHODS: 405, as the seed says
        res = await client.options(
            "/cors", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "DELETE"}
        )
        assert res.status_code == 405
        # requests without an Origin are not cross-origin: no CORS checks
        assert (await client.delete("/cors")).status_code == 204


async def test_no_cors_disables_cors_for_the_endpoint() -> None:
    application = make_app(CorsApi, CORS_ALLOW_ORIGINS=["https://app.example"])
    async with TestClient(application) as client:
        res = await client.get("/cors/off", headers={"Origin": "https://evil.example"})
        assert (res.status_code, res.json()) == (200, {"cors": False})
        assert "access-control-allow-origin" not in res.headers


async def test_cors_decorator_overrides_the_global_policy() -> None:
    async with TestClient(make_app(CorsApi)) as client:
        res = await client.get("/cors/custom", headers={"Origin": "https://special.example"})
        assert res.status_code == 200
        assert res.headers["access-control-allow-origin"] == "https://special.example"
        assert "access-control-allow-credentials" not in res.headers
        assert res.headers["access-control-expose-headers"] == "X-Exposed"
        res = await client.get("/cors/custom", headers={"Origin": "https://any.example"})
        assert res.status_code == 403
        res = await client.options(
            "/cors/custom",
            headers={
                "Origin": "https://special.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "X-Special",
            },
        )
        assert res.headers["access-control-max-age"] == "600"
        assert res.headers["access-control-allow-headers"] == "X-Special"


async def test_cors_disabled_globally() -> None:
    async with TestClient(make_app(CorsApi, CORS_ENABLED=False)) as client:
        res = await client.get("/cors", headers={"Origin": "https://any.example"})
        assert res.status_code == 200
        assert "access-control-allow-origin" not in res.headers
