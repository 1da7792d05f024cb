"""User middleware: order, short-circuit, exceptions reaching the handlers."""

import time

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.exceptions import ExceptionHandler, handles
from surge.middleware import MiddlewareBase
from surge.testing import TestClient

from surge_testkit import make_app


class TimingMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        t0 = time.perf_counter()
        res = await self.next(req)
        res.headers["x-process-time-ms"] = str(int((time.perf_counter() - t0) * 1000))
        return res


class Outer(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        req.state.trail = ["outer"]
        res = await self.next(req)
        res.headers["x-trail"] = ",".join(req.state.trail + ["outer-out"])
        return res


class Inner(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        req.state.trail.append("inner")
        if req.headers.get("x-block"):
            return req.response.json({"blocked": True}).status(403)
        if req.headers.get("x-explode"):
            raise LookupError("middleware failure")
        res = await self.next(req)
        req.state.trail.append("inner-out")
        return res


class MiddlewareErrors(ExceptionHandler):
    @handles(LookupError)
    async def lookup(self, req: Request, exc: LookupError) -> Response:
        return req.response.json({"handled": str(exc)}).status(409)


@path("/")
class Api(Controller):
    @get("/")
    async def index(self, req: Request) -> dict:
        req.state.trail.append("handler")
        return {"ok": True}


async def test_first_listed_is_outermost() -> None:
    app = make_app(Api)
    for mw in (Outer, Inner, TimingMW):
        app.add_middleware(mw)
    async with TestClient(app) as c:
        res = await c.get("/")
        assert res.json() == {"ok": True}
        assert res.headers["x-trail"] == "outer,inner,handler,inner-out,outer-out"
        assert res.headers["x-process-time-ms"].isdigit()


async def test_short_circuit_and_errors_reach_handlers() -> None:
    app = make_app(Api)
    app.add_middleware(Outer)
    app.add_middleware(Inner)
    app.add_exception_handler(MiddlewareErrors)
    async with TestClient(app) as c:
        res = await c.get("/", headers={"x-block": "1"})
        assert (res.status_code, res.json()) == (403, {"blocked": True})
        assert res.headers["x-trail"] == "outer,inner,outer-out"
        res = await c.get("/", headers={"x-explode": "1"})
        assert (res.status_code, res.json()) == (409, {"handled": "middleware failure"})


async def test_middleware_sees_404_responses() -> None:
    app = make_app(Api)
    app.add_middleware(Outer)
    async with TestClient(app) as c:
        res = await c.get("/missing")
        assert res.status_code == 404
        assert res.headers["x-trail"] == "outer,outer-out"


async def test_cannot_add_middleware_after_start() -> None:
    import pytest

    app = make_app(Api)
    async with TestClient(app):
        with pytest.raises(RuntimeError, match="after the application has started"):
            app.add_middleware(Outer)
