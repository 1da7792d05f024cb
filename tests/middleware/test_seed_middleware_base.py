"""The seed README's middleware: the timing example, order, short circuit, exceptions.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

import time

from surge import HttpStatus, Request, Response
from surge.exceptions import ExceptionHandler, handles
from surge.middleware import MiddlewareBase
from surge.testing import TestClient

from seed_app import AThirdException, SomeOtherException, UsersApi
from surge_testkit import make_app

MODULE = __name__


class TimingMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        t0 = time.perf_counter()
        res = await self.next(req)  # pass down
        res.headers["x-process-time-ms"] = str(int((time.perf_counter() - t0) * 1000))
        return res


class OrderMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        req.state.order = [*getattr(req.state, "order", []), type(self).__name__]
        res = await self.next(req)
        res.headers["x-order"] = ",".join(req.state.order)
        return res


class ShortCircuitMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        req.state.order = [*getattr(req.state, "order", []), "ShortCircuitMW"]
        if req.headers.get("x-stop"):
            return req.response.json({"stopped": True}).status(HttpStatus.FORBIDDEN)
        if req.headers.get("x-raise"):
            raise SomeOtherException()
        if req.headers.get("x-raise-handled"):
            try:
                raise AThirdException()
            except AThirdException:
                return req.response.json({"handled_in": "middleware"}).status(HttpStatus.BAD_REQUEST)
        return await self.next(req)


class StateTimingMW(MiddlewareBase):
    async def middleware(self, req: Request) -> Response:
        try:
            return await self.next(req)
        finally:
            req.state.timing = "measured"


class StateReadingHandler(ExceptionHandler):
    @handles(SomeOtherException)
    async def other(self, req: Request, exc: SomeOtherException) -> Response:
        return req.response.json({"timing": getattr(req.state, "timing", None)}).status(HttpStatus.CONFLICT)

    @handles(AThirdException)
    async def third(self, req: Request, exc: AThirdException) -> Response:
        return req.response.json({"handler": "ran"}).status(HttpStatus.CONFLICT)


async def test_seed_timing_middleware_from_config() -> None:
    application = make_app(UsersApi, MIDDLEWARE=[f"{MODULE}:TimingMW"])
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1")
    assert res.status_code == 200
    assert res.headers["x-process-time-ms"].isdigit()


async def test_first_listed_middleware_is_outermost() -> None:
    class FirstMW(OrderMW):
        pass

    class SecondMW(OrderMW):
        pass

    application = make_app(UsersApi)
    application.add_middleware(FirstMW)
    application.add_middleware(SecondMW)
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1")
    assert res.headers["x-order"] == "FirstMW,SecondMW"


async def test_middleware_short_circuit_and_exceptions() -> None:
    application = make_app(UsersApi, EXCEPTION_HANDLERS=[f"{MODULE}:StateReadingHandler"])
    application.add_middleware(StateTimingMW)
    application.add_middleware(ShortCircuitMW)
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1", headers={"x-stop": "1"})
        assert (res.status_code, res.json()) == (403, {"stopped": True})
        # raised in middleware: dispatched to the exception handlers; req.state set in a finally is visible
        res = await client.get("/api/v1/users/1", headers={"x-raise": "1"})
        assert (res.status_code, res.json()) == (409, {"timing": "measured"})
        # handled inside the middleware: the exception handlers do not run
        res = await client.get("/api/v1/users/1", headers={"x-raise-handled": "1"})
        assert (res.status_code, res.json()) == (400, {"handled_in": "middleware"})
