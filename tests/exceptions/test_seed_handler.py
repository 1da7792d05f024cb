"""The seed README's exception handling: handlers from config, @handles, custom exceptions, not found, 500s.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from typing import Any

import pytest
from loguru import logger

from surge import HttpStatus, Request, Response
from surge.exceptions import ExceptionHandler, MethodNotAllowed, NotFound, handles
from surge.testing import TestClient

from seed_app import CustomExceptionHandler, ErrorsApi, UsersApi  # noqa: F401 (config names f"{MODULE}:CustomExceptionHandler")
from surge_testkit import make_app

MODULE = __name__


class NotFoundHandler(ExceptionHandler):
    @handles(NotFound)
    async def not_found(self, req: Request, exc: NotFound) -> Response:
        return req.response.json({"message": "Nothing here", "path": req.path}).status(HttpStatus.NOT_FOUND)


async def test_route_not_found_wrong_url_or_method_is_a_not_found() -> None:
    application = make_app(UsersApi)
    application.add_exception_handler(NotFoundHandler)
    async with TestClient(application) as client:
        res = await client.get("/nowhere")
        assert (res.status_code, res.json()) == (404, {"message": "Nothing here", "path": "/nowhere"})
        res = await client.put("/api/v1/users/3")  # wrong http method
        assert (res.status_code, res.json()) == (404, {"message": "Nothing here", "path": "/api/v1/users/3"})
    assert issubclass(MethodNotAllowed, NotFound)


async def test_exception_handler_from_config_handles_validation_errors() -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.post("/errors/validate", json={"email": 3})
        missing = await client.post("/errors/validate", headers={"content-type": "application/json"})
    assert res.status_code == 422
    assert res.json() == {
        "message": "Validation failed.",
        "details": {"email": "Input should be a valid string", "fullname": "Field required"},
    }
    assert (missing.status_code, missing.json()) == (
        422, {"message": "Validation failed.", "details": {"body": "Field required"}}
    )


async def test_handles_accepts_many_exceptions_and_sees_the_app() -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get("/errors/other")
        assert (res.status_code, res.json()) == (409, {"message": "SomeOtherException", "details": "Surge app"})
        res = await client.get("/errors/third")
        assert (res.status_code, res.json()["message"]) == (409, "AThirdException")


@pytest.mark.parametrize(
    ("kind", "name"),
    [("plain", "MyCustomException"), ("http", "MyCustomHttpException"), ("custom", "CustomExceptionFromCustomException")],
)
async def test_custom_exceptions_reach_their_handler(kind: str, name: str) -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get(f"/errors/custom/{kind}")
    # ``-> Response[ErrorResponse]`` shapes the body through the model, as PyJolt does.
    assert (res.status_code, res.json()) == (400, {"message": f"custom:{name}", "details": None})


async def test_unhandled_exception_is_a_generic_500_and_logged_critical() -> None:
    records: list[Any] = []
    sink = logger.add(lambda message: records.append(message.record), level="CRITICAL")
    try:
        async with TestClient(make_app(ErrorsApi, DEBUG=False)) as client:
            res = await client.get("/errors/crash")
            unhandled = await client.get("/errors/custom/custom")
    finally:
        logger.remove(sink)
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}
    assert unhandled.status_code == 500
    assert any(record["level"].name == "CRITICAL" and "/errors/crash" in record["message"] for record in records)


async def test_unhandled_exception_raises_in_debug_mode() -> None:
    async with TestClient(make_app(ErrorsApi, DEBUG=True)) as client:
        with pytest.raises(RuntimeError, match="boom"):
            await client.get("/errors/crash")


class CatchAll(ExceptionHandler):
    @handles(Exception)
    async def anything(self, req: Request, exc: Exception) -> Response:
        return req.response.json({"message": "caught", "type": type(exc).__name__}).status(500)


async def test_handler_for_raw_exception_replaces_the_generic_500() -> None:
    application = make_app(ErrorsApi)
    application.add_exception_handler(CatchAll)
    async with TestClient(application) as client:
        res = await client.get("/errors/crash")
    assert (res.status_code, res.json()) == (500, {"message": "caught", "type": "RuntimeError"})
