"""The async TestClient fails loudly when it is used like a synchronous one."""

from __future__ import annotations

import gc

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.testing import ClientNotOpen, NotAwaited, TestClient

from surge_testkit import make_app

HITS: list[str] = []


@path("/")
class Api(Controller):
    @get("/hit")
    async def hit(self, req: Request) -> Response:
        HITS.append("hit")
        return req.response.json({"ok": True})


def test_a_request_outside_async_with_raises_at_the_call() -> None:
    client = TestClient(make_app(Api))
    with pytest.raises(ClientNotOpen, match=r"async with TestClient\(app\) as client"):
        client.get("/hit")  # the FastAPI habit, in a synchronous test
    with pytest.raises(ClientNotOpen, match="SyncTestClient"):
        client.post("/hit", json={})


async def test_a_request_after_the_block_raises() -> None:
    async with TestClient(make_app(Api)) as client:
        assert (await client.get("/hit")).status_code == 200
    with pytest.raises(ClientNotOpen):
        await client.get("/hit")


async def test_using_an_unawaited_request_as_a_response_raises() -> None:
    async with TestClient(make_app(Api)) as client:
        pending = client.get("/hit")
        with pytest.raises(NotAwaited, match=r"await client.get\('/hit'\)"):
            assert pending  # would pass with a bare coroutine
        with pytest.raises(NotAwaited):
            _ = pending.status_code
        assert (await pending).json() == {"ok": True}  # awaiting it later still works


async def test_a_dropped_request_fails_the_block() -> None:
    HITS.clear()
    client = TestClient(make_app(Api))
    await client.__aenter__()
    client.get("/hit")  # never awaited
    gc.collect()
    with pytest.raises(NotAwaited, match=r"1 request\(s\) were never awaited: get\('/hit'\)"):
        await client.__aexit__()
    assert HITS == []  # and nothing was sent


async def test_awaited_requests_of_every_method_work() -> None:
    async with TestClient(make_app(Api)) as client:
        for method in ("get", "head", "options", "post", "put", "patch", "delete"):
            res = await getattr(client, method)("/hit")
            expected = {"get": 200, "head": 200, "options": 204}.get(method, 405)  # OPTIONS: automatic
            assert res.status_code == expected, method
        assert (await client.request("GET", "/hit")).json() == {"ok": True}
