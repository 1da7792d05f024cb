"""Every validation error the framework answers has one shape, and ``loc`` says where the value came from.

``{"status": "error", "message": "Validation failed", "errors": [{"loc", "msg", "type"}]}``
with ``loc`` starting with ``path``, ``query``, ``header``, ``cookie`` or ``body``; checked
through both test clients. A ``@handles(ValidationError)`` handler still sees pydantic's own
error (``loc[0]`` is the field, as the seed's example handler reads it).
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from surge import Depends, HttpStatus, MediaType, Request, Response, UploadedFile
from surge.controller import Controller, consumes, get, path, post
from surge.exceptions import ExceptionHandler, handles
from surge.params import Cookie, Header
from surge.testing import SyncTestClient, TestClient

from surge_testkit import make_app


class Signup(BaseModel):
    email: str
    age: int


class Paging(BaseModel):
    page: int


def paging(page: int = 1) -> Paging:
    return Paging(page=page)


@path("/v")
class Api(Controller):
    @get("/items/<int:item_id>")
    async def item(self, req: Request, item_id: Annotated[int, Field(ge=5)], limit: int = 10) -> Response:
        return req.response.json({"id": item_id, "limit": limit})

    @post("/signup")
    async def signup(self, req: Request, data: Signup) -> Response:
        return req.response.json(data)

    @post("/form")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def form(self, req: Request, data: Signup) -> Response:
        return req.response.json(data)

    @post("/upload")
    async def upload(self, req: Request, document: UploadedFile) -> Response:
        return req.response.no_content()

    @get("/headers")
    async def headers(
        self, req: Request, x_count: Annotated[int, Header()], session: Annotated[int, Cookie()] = 0
    ) -> Response:
        return req.response.json({"count": x_count, "session": session})

    @get("/dep")
    async def dep(self, req: Request, paged: Annotated[Paging, Depends(paging)]) -> Response:
        return req.response.json(paged)


CASES: list[tuple[str, str, dict[str, Any], list[list[Any]]]] = [
    ("GET", "/v/items/3", {}, [["path", "item_id"]]),
    ("GET", "/v/items/9223372036854775808", {}, [["path", "item_id"]]),
    ("GET", "/v/items/7?limit=lots", {}, [["query", "limit"]]),
    ("POST", "/v/signup", {"json": {"age": "old"}}, [["body", "email"], ["body", "age"]]),
    ("POST", "/v/signup", {}, [["body"]]),
    ("POST", "/v/form", {"data": {"email": "a@b.c", "age": "x"}}, [["body", "age"]]),
    ("POST", "/v/upload", {"files": {"other": ("a.txt", b"1")}}, [["body", "document"]]),
    ("GET", "/v/headers", {"headers": {"x-count": "many"}}, [["header", "x-count"]]),
    ("GET", "/v/headers", {"headers": {"x-count": "1", "cookie": "session=abc"}}, [["cookie", "session"]]),
    ("GET", "/v/dep?page=two", {}, [["query", "page"]]),
]


def check(res: Any, locs: list[list[Any]]) -> None:
    assert res.status_code == 422, res.text
    body = res.json()
    assert set(body) == {"status", "message", "errors"}
    assert (body["status"], body["message"]) == ("error", "Validation failed")
    assert [error["loc"] for error in body["errors"]] == locs
    assert all(set(error) == {"loc", "msg", "type"} for error in body["errors"])


@pytest.mark.parametrize(("method", "url", "kwargs", "locs"), CASES)
async def test_locs_through_the_async_client(method: str, url: str, kwargs: dict[str, Any], locs: list[list[Any]]) -> None:
    application = make_app(Api)
    async with TestClient(application) as client:
        check(await client.request(method, url, **kwargs), locs)


def test_locs_through_the_sync_client() -> None:
    application = make_app(Api)
    with SyncTestClient(application) as client:
        for method, url, kwargs, locs in CASES:
            check(client.request(method, url, **kwargs), locs)


class SeedHandler(ExceptionHandler):
    @handles(ValidationError)
    async def invalid(self, req: Request, exc: ValidationError) -> Response:
        details = {error["loc"][0]: error["msg"] for error in exc.errors()}
        return req.response.json({"message": "Validation failed.", "details": details}).status(
            HttpStatus.UNPROCESSABLE_ENTITY
        )


async def test_a_user_handler_sees_pydantic_locs() -> None:
    application = make_app(Api)
    application.add_exception_handler(SeedHandler)
    async with TestClient(application) as client:
        res = await client.get("/v/items/7?limit=lots")
    assert res.status_code == 422
    assert res.json() == {
        "message": "Validation failed.",
        "details": {"limit": "Input should be a valid integer, unable to parse string as an integer"},
    }
