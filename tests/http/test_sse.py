"""Server-Sent Events through the test client: framing, ids, retry, JSON data, pings."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.http.sse import ServerSentEvent, encode_event
from surge.testing import TestClient

from surge_testkit import make_app


async def events() -> AsyncIterator[object]:
    yield "plain"
    yield {"n": 1}
    yield ServerSentEvent("two\nlines", event="update", id=2, retry=1500)


async def slow() -> AsyncIterator[str]:
    await asyncio.sleep(0.25)
    yield "late"


@path("/")
class Feed(Controller):
    @get("/events")
    async def feed(self, req: Request) -> Response:
        return req.response.sse(events())

    @get("/slow")
    async def slow(self, req: Request) -> Response:
        return req.response.sse(slow(), ping=0.05)


@pytest.fixture
async def client():
    async with TestClient(make_app(Feed)) as c:
        yield c


async def test_events_are_framed(client) -> None:
    res = await client.get("/events")
    assert res.status_code == 200
    assert res.headers["content-type"] == "text/event-stream"
    assert res.headers["cache-control"] == "no-cache"
    assert res.text == (
        "data: plain\n\n"
        'data: {"n":1}\n\n'
        "event: update\nid: 2\nretry: 1500\ndata: two\ndata: lines\n\n"
    )


async def test_quiet_sources_get_keep_alive_pings(client) -> None:
    res = await client.get("/slow")
    assert res.text.startswith(": ping\n\n")
    assert res.text.endswith("data: late\n\n")
    assert res.text.count(": ping") >= 2


def test_fields_cannot_be_forged() -> None:
    with pytest.raises(ValueError):
        encode_event(ServerSentEvent("x", event="a\ndata: forged"))
    assert encode_event("a\r\nb") == b"data: a\ndata: b\n\n"
