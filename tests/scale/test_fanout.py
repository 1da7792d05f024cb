"""Websocket pushes between apps through Redis (and NATS): in one process, two apps, one broker."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from surge_scale_app import create_app
from surge_scale_kit import TcpProxy

from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient
from surge.websocket_brokers import NatsFanout, RedisFanout

from surge_testkit import require_service


async def _hello(ws: Any) -> dict[str, Any]:
    hello: dict[str, Any] = await asyncio.wait_for(ws.receive_json(), 5)
    return hello


async def test_a_push_in_one_app_reaches_a_socket_of_the_other(redis_url: str, scale_prefix: str) -> None:
    first, second = create_app(redis_url, scale_prefix), create_app(redis_url, scale_prefix)
    assert isinstance(first.websockets.backend, RedisFanout)
    async with TestClient(first) as one, TestClient(second) as two:
        async with one.websocket_connect("/ws") as ann, two.websocket_connect("/ws") as bob:
            ann_id = (await _hello(ann))["client_id"]
            bob_id = (await _hello(bob))["client_id"]
            assert (await one.post(f"/push/{bob_id}", content=b"for bob")).status_code == 200
            assert (await asyncio.wait_for(bob.receive_json(), 5))["text"] == "for bob"
            await two.post(f"/push/{ann_id}", content=b"for ann")
            assert (await asyncio.wait_for(ann.receive_json(), 5))["text"] == "for ann"
            await two.post("/broadcast", content=b"everyone")
            for ws in (ann, bob):
                assert (await asyncio.wait_for(ws.receive_json(), 5))["text"] == "everyone"
            await one.post("/push/nobody-anywhere", content=b"lost")  # dropped by every app, no error
            await one.post("/broadcast", content=b"after")  # nothing else was queued before it
            for ws in (ann, bob):
                assert (await asyncio.wait_for(ws.receive_json(), 5))["text"] == "after"


async def test_redis_cut_answers_503_then_pushes_resume(redis_url: str, scale_prefix: str) -> None:
    host, port = redis_url.split("//", 1)[1].split("/", 1)[0].split(":")
    proxy = TcpProxy(host, int(port))
    await proxy.start()
    broker = f"redis://127.0.0.1:{proxy.port}/0"
    try:
        async with TestClient(create_app(redis_url, scale_prefix, broker_url=broker)) as client:
            async with client.websocket_connect("/ws") as ann:
                await _hello(ann)
                await proxy.cut()
                refused = await client.post("/broadcast", content=b"during")
                assert refused.status_code == 503
                assert refused.headers["Retry-After"] == "5"
                assert refused.json()["status"] == "error"
                await proxy.restore()
                received = None
                for attempt in range(60):  # the subscriber reconnects with a growing delay (<= 2 s)
                    if (await client.post("/broadcast", content=f"after {attempt}".encode())).status_code == 200:
                        try:
                            received = await asyncio.wait_for(ann.receive_json(), 0.25)
                            break
                        except TimeoutError:
                            continue
                    await asyncio.sleep(0.1)
                assert received is not None and received["text"].startswith("after")
    finally:
        await proxy.cut()


def test_a_bad_broker_fails_when_the_app_is_built() -> None:
    with pytest.raises(ImproperlyConfigured, match="WEBSOCKETS.BROKER"):
        create_app("redis://127.0.0.1:6379/0", "x:", broker_url="http://example.com")


async def test_nats_carries_pushes_between_apps(redis_url: str, scale_prefix: str) -> None:
    require_service("NATS", "127.0.0.1", 4222)
    nats = "nats://127.0.0.1:4222"
    first = create_app(redis_url, scale_prefix, broker_url=nats)
    second = create_app(redis_url, scale_prefix, broker_url=nats)
    assert isinstance(first.websockets.backend, NatsFanout)
    async with TestClient(first) as one, TestClient(second) as two:
        async with one.websocket_connect("/ws") as ann, two.websocket_connect("/ws") as bob:
            await _hello(ann)
            bob_id = (await _hello(bob))["client_id"]
            await one.post(f"/push/{bob_id}", content=b"via nats")
            assert (await asyncio.wait_for(bob.receive_json(), 5))["text"] == "via nats"
            await two.post("/broadcast", content=b"all via nats")
            for ws in (ann, bob):
                assert (await asyncio.wait_for(ws.receive_json(), 5))["text"] == "all via nats"
