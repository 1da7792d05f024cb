"""``@post(..., status_code=201)`` is the status of every response whose status the handler did not set.

"Did not set" means the response is still at 200 and ``.status()`` was never called on it; an
explicit ``.status(200)`` is kept, and helpers that carry their own status (``no_content()``,
``redirect()``) keep theirs. Checked through both test clients.
"""

from __future__ import annotations

import pytest

from surge import HttpStatus, Request, Response
from surge.controller import Controller, path, post
from surge.testing import SyncTestClient, TestClient

from surge_testkit import make_app


@path("/made")
class Made(Controller):
    @post("/json", status_code=201)
    async def json(self, req: Request) -> Response:
        return req.response.json({"made": True})

    @post("/data", status_code=201)
    async def data(self, req: Request) -> dict[str, bool]:
        return {"made": True}

    @post("/text", status_code=202)
    async def text(self, req: Request) -> Response:
        return req.response.text("queued")

    @post("/html", status_code=201)
    async def html(self, req: Request) -> Response:
        return req.response.html_from_string("<p>{{ n }}</p>", {"n": 1})

    @post("/none", status_code=201)
    async def none(self, req: Request) -> None:
        req.response.set_header("X-Done", "1")

    @post("/empty", status_code=201)
    async def empty(self, req: Request) -> Response:
        return req.response.no_content()

    @post("/ok", status_code=201)
    async def ok(self, req: Request) -> Response:
        return req.response.json({"existing": True}).status(HttpStatus.OK)

    @post("/ok-int", status_code=201)
    async def ok_int(self, req: Request) -> Response:
        return req.response.status(200).text("already there")

    @post("/moved", status_code=201)
    async def moved(self, req: Request) -> Response:
        return req.response.redirect("/elsewhere")

    @post("/teapot", status_code=201)
    async def teapot(self, req: Request) -> Response:
        return req.response.json({"error": "no"}).status(418)


CASES = [
    ("/made/json", 201, b'{"made":true}'),
    ("/made/data", 201, b'{"made":true}'),
    ("/made/text", 202, b"queued"),
    ("/made/html", 201, b"<p>1</p>"),
    ("/made/none", 201, b""),
    ("/made/empty", 204, b""),
    ("/made/ok", 200, b'{"existing":true}'),
    ("/made/ok-int", 200, b"already there"),
    ("/made/moved", 303, b""),
    ("/made/teapot", 418, b'{"error":"no"}'),
]


@pytest.mark.parametrize(("url", "status", "body"), CASES)
async def test_default_status_through_the_async_client(url: str, status: int, body: bytes) -> None:
    async with TestClient(make_app(Made)) as client:
        res = await client.post(url)
    assert (res.status_code, res.content) == (status, body)


def test_default_status_through_the_sync_client() -> None:
    with SyncTestClient(make_app(Made)) as client:
        seen = [(url, client.post(url)) for url, _, _ in CASES]
    assert [(url, r.status_code, r.content) for url, r in seen] == CASES

