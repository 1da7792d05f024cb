"""Namespaced sessions (``req.session.namespace(name, path=...)``), ``use_time()`` and ``impending()``."""

from __future__ import annotations

import time
from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.security import SessionNamespaceError, Sessions
from surge.testing import TestClient

HTTPS = "https://testserver"


@path("/")
class Pages(Controller):
    @post("/shop/cart/<item>")
    async def add(self, req: Request, item: str) -> Response:
        cart = req.session.namespace("cart", path="/shop")
        cart[item] = cart.get(item, 0) + 1
        return req.response.json(dict(cart))

    @get("/shop/cart")
    async def show(self, req: Request) -> Response:
        return req.response.json(dict(req.session.namespace("cart")))

    @get("/account/cart")
    async def elsewhere(self, req: Request) -> Response:
        cart = req.session.namespace("cart")
        return req.response.json({"cart": dict(cart), "visible": cart.visible, "path": cart.path})

    @post("/account/cart")
    async def write_elsewhere(self, req: Request) -> Response:
        try:
            req.session.namespace("cart")["x"] = 1
        except SessionNamespaceError as exc:
            return req.response.json({"refused": str(exc)}).status(403)
        return req.response.no_content()

    @post("/shopping/cart")
    async def lookalike(self, req: Request) -> Response:
        cart = req.session.namespace("cart", path="/shop")
        return req.response.json({"visible": cart.visible})

    @post("/shop/empty")
    async def empty(self, req: Request) -> Response:
        req.session.namespace("cart").clear()
        return req.response.json(dict(req.session))

    @post("/plain")
    async def plain(self, req: Request) -> Response:
        req.session["user"] = "ann"
        return req.response.json(sorted(req.session))

    @get("/timing")
    async def timing(self, req: Request) -> Response:
        return req.response.json({"use_time": req.session.use_time(), "impending": req.session.impending()})


@pytest.fixture(params=["cookie", "redis"])
def app(request: pytest.FixtureRequest, make_app: Any) -> Any:
    section: dict[str, Any] = {"LIFETIME": 100}
    if request.param == "redis":
        section |= request.getfixturevalue("redis_section")
    return make_app(extensions=[Sessions()], controllers=[Pages], SESSIONS=section)


async def test_a_namespace_is_seen_only_under_its_path(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        assert (await client.post("/shop/cart/apple")).json() == {"apple": 1}
        assert (await client.post("/shop/cart/apple")).json() == {"apple": 2}
        assert (await client.post("/plain")).json() == ["_ns:cart", "user"]
        assert (await client.get("/shop/cart")).json() == {"apple": 2}
        assert (await client.get("/account/cart")).json() == {"cart": {}, "visible": False, "path": "/shop"}
        refused = await client.post("/account/cart")
        assert refused.status_code == 403
        assert "'/shop'" in refused.json()["refused"]
        assert (await client.post("/shopping/cart")).json() == {"visible": False}
        assert (await client.post("/shop/empty")).json() == {"user": "ann"}
        assert (await client.get("/shop/cart")).json() == {}


async def test_use_time_and_impending(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        assert (await client.get("/timing")).json() == {"use_time": 0.0, "impending": False}
        await client.post("/plain")
        start = time.time()
        fresh = (await client.get("/timing")).json()
        assert fresh["use_time"] < 5 and fresh["impending"] is False
        monkeypatch.setattr(time, "time", lambda: start + 50)
        half = (await client.get("/timing")).json()
        assert 45 <= half["use_time"] <= 55 and half["impending"] is False
        monkeypatch.setattr(time, "time", lambda: start + 85)
        late = (await client.get("/timing")).json()
        assert late["impending"] is True and late["use_time"] >= 80
