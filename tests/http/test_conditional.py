"""Conditional GET on any response (ETag, Last-Modified), Cache-Control, repeated headers."""

from datetime import UTC, datetime

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.http.conditional import cache_control_value, etag_value
from surge.testing import TestClient

from surge_testkit import make_app

MODIFIED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@path("/")
class Pages(Controller):
    @get("/article")
    async def article(self, req: Request) -> Response:
        return (
            req.response.json({"title": "hello"})
            .set_etag("v1")
            .cache_control(max_age=60, public=True)
            .set_header("vary", "Cookie")
        )

    @get("/weak")
    async def weak(self, req: Request) -> Response:
        return req.response.text("weak").set_etag("w1", weak=True)

    @get("/dated")
    async def dated(self, req: Request) -> Response:
        return req.response.text("dated").set_last_modified(MODIFIED)

    @post("/article")
    async def update(self, req: Request) -> Response:
        return req.response.json({"ok": True}).set_etag("v1")

    @get("/links")
    async def links(self, req: Request) -> Response:
        return (
            req.response.text("x")
            .add_header("Link", "</a.css>; rel=preload")
            .add_header("Link", "</b.js>; rel=preload")
            .set_cookie("a", "1")
            .set_cookie("b", "2")
        )


@pytest.fixture
async def client():
    async with TestClient(make_app(Pages)) as c:
        yield c


async def test_matching_if_none_match_is_304_without_body(client) -> None:
    res = await client.get("/article")
    assert res.status_code == 200
    assert res.headers["etag"] == '"v1"'
    assert res.headers["cache-control"] == "public, max-age=60"
    res = await client.get("/article", headers={"if-none-match": '"other", W/"v1"'})
    assert res.status_code == 304
    assert res.content == b""
    assert "content-length" not in res.headers
    assert res.headers["etag"] == '"v1"'
    assert res.headers["cache-control"] == "public, max-age=60"
    assert res.headers["vary"] == "Cookie"
    res = await client.get("/article", headers={"if-none-match": '"v2"'})
    assert res.status_code == 200
    assert res.json() == {"title": "hello"}
    res = await client.head("/article", headers={"if-none-match": "*"})
    assert res.status_code == 304


async def test_weak_etags_match_weakly(client) -> None:
    res = await client.get("/weak")
    assert res.headers["etag"] == 'W/"w1"'
    assert (await client.get("/weak", headers={"if-none-match": '"w1"'})).status_code == 304


async def test_if_modified_since(client) -> None:
    res = await client.get("/dated")
    assert res.headers["last-modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    assert (await client.get("/dated", headers={"if-modified-since": "Wed, 01 May 2024 12:00:00 GMT"})).status_code == 304
    assert (await client.get("/dated", headers={"if-modified-since": "Thu, 02 May 2024 00:00:00 GMT"})).status_code == 304
    res = await client.get("/dated", headers={"if-modified-since": "Tue, 30 Apr 2024 00:00:00 GMT"})
    assert res.status_code == 200
    assert res.text == "dated"
    assert (await client.get("/dated", headers={"if-modified-since": "not a date"})).status_code == 200


async def test_unsafe_methods_are_never_304(client) -> None:
    res = await client.post("/article", headers={"if-none-match": '"v1"'})
    assert res.status_code == 200
    assert res.json() == {"ok": True}


async def test_add_header_keeps_repeated_headers(client) -> None:
    res = await client.get("/links")
    assert res.headers.get_list("link") == ["</a.css>; rel=preload", "</b.js>; rel=preload"]
    assert len(res.headers.get_list("set-cookie")) == 2


def test_header_builders() -> None:
    assert etag_value("abc") == '"abc"'
    assert etag_value('"abc"', weak=True) == 'W/"abc"'
    with pytest.raises(ValueError):
        etag_value('a"b')
    assert cache_control_value(no_store=True) == "no-store"
    assert cache_control_value(private=True, max_age=0, must_revalidate=True) == "private, must-revalidate, max-age=0"
    with pytest.raises(ValueError):
        cache_control_value(public=True, private=True)
