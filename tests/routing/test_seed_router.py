"""The seed README's routing: converters, strict slashes, route not found.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.testing import TestClient

from seed_app import UsersApi
from surge_testkit import make_app


@path("/api/v1/routes")
class RoutesApi(Controller):
    @get("/users/<int:user_id>")
    async def by_id(self, req: Request, user_id: int) -> Response:
        return req.response.json({"user_id": user_id, "type": type(user_id).__name__})

    @get("/users/<string:user_name>")
    async def by_name(self, req: Request, user_name: str) -> Response:
        return req.response.json({"user_name": user_name})

    @get("/files/<path:path>")
    async def by_path(self, req: Request, path: str) -> Response:
        return req.response.json({"path": path})


async def test_route_converters() -> None:
    async with TestClient(make_app(RoutesApi)) as client:
        assert (await client.get("/api/v1/routes/users/12")).json() == {"user_id": 12, "type": "int"}
        assert (await client.get("/api/v1/routes/users/ann")).json() == {"user_name": "ann"}
        res = await client.get("/api/v1/routes/files/account/dashboard/main")
        assert res.json() == {"path": "account/dashboard/main"}


async def test_strict_slashes() -> None:
    async with TestClient(make_app(UsersApi)) as client:  # STRICT_SLASHES=False
        assert (await client.get("/api/v1/users/3/")).status_code == 200
    async with TestClient(make_app(UsersApi, STRICT_SLASHES=True)) as client:
        assert (await client.get("/api/v1/users/3")).status_code == 200
        assert (await client.get("/api/v1/users/3/")).status_code == 404


async def test_route_not_found_generic_json() -> None:
    async with TestClient(make_app(UsersApi)) as client:
        res = await client.get("/nowhere")
        assert res.status_code == 404
        assert res.headers["content-type"] == "application/json"
        assert res.json()["status"] == "error"
        res = await client.put("/api/v1/users/3")
        assert res.status_code == 405
        assert res.json()["status"] == "error"
