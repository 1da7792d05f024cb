"""The one error path: an exception meets the exception handlers once, wherever it was raised."""

from __future__ import annotations

from typing import ClassVar

import httpx
import pytest

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.exceptions import ExceptionHandler, Forbidden, handles
from surge.middleware import MiddlewareBase

CALLS: list[str] = []


class LedgerError(RuntimeError):
    pass


@path("/ledger")
class LedgerApi(Controller):
    @get("/broken")
    async def broken(self, req: Request) -> Response:
        raise LedgerError("corrupt")

    @get("/unhandled")
    async def unhandled(self, req: Request) -> Response:
        raise KeyError("nobody handles this")


class CountingHandler(ExceptionHandler):
    @handles(LedgerError)
    async def ledger(self, req: Request, exc: LedgerError) -> Response:
        CALLS.append(type(exc).__name__)
        return req.response.json({"error": "ledger"}).status(409)


class Stamp(MiddlewareBase):
    """Post-processes every response, error responses included."""

    sees_error_responses: ClassVar[bool] = True

    async def middleware(self, req: Request) -> Response:
        response = await self.next(req)
        response.headers["X-Stamp"] = "yes"
        return response


class Refuse(MiddlewareBase):
    """Refuses by raising, as the security middleware do."""

    async def middleware(self, req: Request) -> Response:
        if req.headers.get("x-refuse"):
            raise Forbidden("refused")
        return await self.next(req)


def make(debug: bool) -> Surge:
    CALLS.clear()
    application = Surge(__name__, configs=BaseConfig(DEBUG=debug))
    application.add_exception_handler(CountingHandler)
    application.add_middleware(Stamp)
    application.add_middleware(Refuse)
    application.register_controller(LedgerApi)
    return application


def client(application: Surge) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.mark.parametrize("debug", [True, False])
async def test_an_error_behind_middleware_and_cors_is_handled_once(debug: bool) -> None:
    async with client(make(debug)) as http:
        res = await http.get("/ledger/broken", headers={"origin": "https://app.example"})
    assert (res.status_code, res.json()) == (409, {"error": "ledger"})
    assert CALLS == ["LedgerError"]
    assert res.headers["X-Stamp"] == "yes"  # the middleware saw the error response
    assert res.headers["Access-Control-Allow-Origin"] == "*"  # so did CORS (the default "*" policy)


async def test_a_middleware_refusal_goes_through_the_same_handlers() -> None:
    async with client(make(debug=False)) as http:
        res = await http.get("/ledger/broken", headers={"x-refuse": "1"})
    assert (res.status_code, res.json()["message"]) == (403, "refused")
    assert res.headers["X-Stamp"] == "yes"


async def test_unhandled_in_debug_shows_the_page_once_and_reraises() -> None:
    application = make(debug=True)
    async with client(application) as http:
        res = await http.get("/ledger/unhandled", headers={"accept": "text/html"})
    assert res.status_code == 500
    assert "KeyError" in res.text and "nobody handles this" in res.text
    transport = httpx.ASGITransport(app=application)  # the server sees the original exception
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        with pytest.raises(KeyError, match="nobody handles this"):
            await http.get("/ledger/unhandled")


async def test_unhandled_in_production_is_a_plain_500() -> None:
    async with client(make(debug=False)) as http:
        res = await http.get("/ledger/unhandled")
    assert (res.status_code, res.json()) == (500, {"status": "error", "message": "Internal server error"})
    assert res.headers["X-Stamp"] == "yes"
