"""@before_request/@after_request hooks and @development controllers and endpoints."""

import pytest

from surge import Request, Response
from surge.controller import Controller, after_request, before_request, development, get, path
from surge.testing import TestClient

from surge_testkit import make_app


@path("/hooks")
class HookedApi(Controller):
    @before_request
    async def a_first(self, req: Request) -> None:
        req.state.order = ["before-a"]

    @before_request
    async def b_second(self, req: Request) -> Response | None:
        req.state.order.append("before-b")
        if req.query_params.get("stop"):
            return req.response.json({"stopped": True}).status(418)
        return None

    @after_request
    async def after(self, res: Response) -> None:
        res.headers["x-after"] = ",".join(res.request.state.order)

    @get("/")
    async def index(self, req: Request) -> dict:
        req.state.order.append("handler")
        return {"order": req.state.order}


@development
@path("/dev")
class DevOnly(Controller):
    @get("/")
    async def index(self, req: Request) -> dict:
        return {"dev": True}


@path("/mixed")
class MixedDev(Controller):
    @get("/dev")
    @development
    async def dev(self, req: Request) -> dict:
        return {"dev": True}

    @get("/prod")
    async def prod(self, req: Request) -> dict:
        return {"prod": True}


@pytest.fixture
async def client():
    async with TestClient(make_app(HookedApi, DevOnly, MixedDev)) as c:
        yield c


async def test_before_and_after_hooks_in_alphabetical_order(client) -> None:
    res = await client.get("/hooks/")
    assert res.json() == {"order": ["before-a", "before-b", "handler"]}
    assert res.headers["x-after"] == "before-a,before-b,handler"


async def test_before_hook_can_short_circuit(client) -> None:
    res = await client.get("/hooks/?stop=1")
    assert res.status_code == 418
    assert res.json() == {"stopped": True}


async def test_development_endpoints_hidden_without_debug(client) -> None:
    assert (await client.get("/dev/")).status_code == 404
    assert (await client.get("/mixed/dev")).status_code == 404
    assert (await client.get("/mixed/prod")).status_code == 200


async def test_development_endpoints_visible_in_debug() -> None:
    app = make_app(DevOnly, MixedDev, DEBUG=True)
    async with TestClient(app) as c:
        assert (await c.get("/dev/")).json() == {"dev": True}
        assert (await c.get("/mixed/dev")).json() == {"dev": True}
