"""``app.websockets``: push to connected sockets, through the test client and under granian."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from surge.testing import TestClient
from surge.websocket_fanout import Envelope, FanoutBackend, InProcessFanout
from websocket_push_app import create_app

from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).resolve().parent


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    async with TestClient(create_app()) as c:
        yield c


async def test_send_to_one_client_and_broadcast_to_a_group(client: TestClient) -> None:
    async with client.websocket_connect("/ws/lobby") as ann, client.websocket_connect("/ws/lobby") as bob:
        async with client.websocket_connect("/ws/kitchen") as cook:
            ann_id = (await ann.receive_json())["hello"]
            (await bob.receive_json())["hello"]
            await cook.receive_json()
            assert (await client.post(f"/push/{ann_id}", content=b"just ann")).json() == {"sent": True}
            assert await ann.receive_text() == "just ann"
            await client.post("/broadcast/lobby", content=b"hi all")
            expected = {"room": "lobby", "says": "hi all"}
            assert await ann.receive_json() == expected
            assert await bob.receive_json() == expected
            await client.post("/broadcast", content=b"\x00raw")  # no group: every socket, bytes as a binary frame
            assert await cook.receive_bytes() == b"\x00raw"  # the kitchen got no lobby message before it
            assert await ann.receive_bytes() == b"\x00raw"
            assert await bob.receive_bytes() == b"\x00raw"
            state = (await client.get("/state")).json()
            assert state["clients"] == 3 and state["lobby"] == 2


async def test_leave_a_group_then_disconnect_events(client: TestClient) -> None:
    async with client.websocket_connect("/ws/lobby") as ann, client.websocket_connect("/ws/lobby") as bob:
        await ann.receive_json()
        await bob.receive_json()
        await bob.send_text("leave")
        assert await bob.receive_text() == "left"
        await client.post("/broadcast/lobby", content=b"only ann")
        assert (await ann.receive_json())["says"] == "only ann"
        await client.post("/broadcast", content=b"all")  # bob still gets messages for everyone
        assert await bob.receive_bytes() == b"all"
    await asyncio.sleep(0.05)
    state = (await client.get("/state")).json()
    assert state["clients"] == 0 and state["lobby"] == 0
    assert sorted(map(tuple, state["events"])) == sorted(
        [("connected", "/ws/lobby")] * 2 + [("disconnected", "/ws/lobby")] * 2
    )


async def test_send_threadsafe_and_a_gone_client_is_dropped(client: TestClient) -> None:
    async with client.websocket_connect("/ws/lobby") as ann:
        ann_id = (await ann.receive_json())["hello"]
        assert (await client.post(f"/threaded/{ann_id}")).status_code == 200
        assert await ann.receive_text() == "from a thread"
    res = await client.post(f"/push/{ann_id}", content=b"too late")  # gone: dropped, not an error
    assert res.status_code == 200


async def test_thread_safe_calls_need_a_started_app() -> None:
    application = create_app()
    with pytest.raises(RuntimeError, match="started"):
        application.websockets.send_threadsafe("x", "y")


def test_envelopes_round_trip_for_cross_process_backends() -> None:
    for envelope in (
        Envelope("send", client_id="c1", text="hi"),
        Envelope("broadcast", group="room", data=b"\x00\xff"),
        Envelope("join", client_id="c1", group="room"),
    ):
        assert Envelope.decode(envelope.encode()) == envelope
    with pytest.raises(ValueError, match="envelope"):
        Envelope.decode(b'{"op": "explode"}')
    with pytest.raises(ValueError, match="envelope"):
        Envelope.decode(b"not json")


async def test_a_custom_backend_carries_every_push() -> None:
    published: list[Envelope] = []

    class Recording(FanoutBackend):
        """Ships envelopes as bytes, as a Redis or NATS backend would, and delivers them back."""

        def __init__(self) -> None:
            self.inner = InProcessFanout()

        async def start(self, deliver: Any) -> None:
            await self.inner.start(deliver)

        async def stop(self) -> None:
            await self.inner.stop()

        async def publish(self, envelope: Envelope) -> None:
            published.append(envelope)
            await self.inner.publish(Envelope.decode(envelope.encode()))

    application = create_app()
    application.websockets.use_backend(Recording())
    async with TestClient(application) as c, c.websocket_connect("/ws/lobby") as ann:
        await ann.receive_json()
        await c.post("/broadcast/lobby", content=b"via backend")
        assert (await ann.receive_json())["says"] == "via backend"
        await c.post("/push/someone-elsewhere", content=b"x")  # not here: handed to the backend
    assert [e.op for e in published] == ["broadcast", "send"]
    assert published[1].client_id == "someone-elsewhere"


# -- under granian, with real websocket clients -----------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--working-dir", str(HERE), "--factory", "--log-level", "warning", "websocket_push_app:create_app"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/state", process)
        yield f"127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)


async def test_push_under_granian_with_real_clients(served: str) -> None:
    from websockets.asyncio.client import connect

    async with (
        connect(f"ws://{served}/ws/lobby") as ann,
        connect(f"ws://{served}/ws/lobby") as bob,
        connect(f"ws://{served}/ws/other") as eve,
        httpx.AsyncClient(base_url=f"http://{served}") as http,
    ):
        ann_id = orjson.loads(await ann.recv())["hello"]
        await bob.recv()
        await eve.recv()
        await http.post(f"/push/{ann_id}", content=b"direct")
        assert await asyncio.wait_for(ann.recv(), 5) == "direct"
        await http.post("/broadcast/lobby", content=b"lobby news")
        for ws in (ann, bob):
            assert orjson.loads(await asyncio.wait_for(ws.recv(), 5)) == {"room": "lobby", "says": "lobby news"}
        await http.post(f"/threaded/{ann_id}")
        assert await asyncio.wait_for(ann.recv(), 5) == "from a thread"
        await http.post("/broadcast", content=b"everyone")
        assert await asyncio.wait_for(eve.recv(), 5) == b"everyone"  # eve never saw the lobby's messages
        assert (await http.get("/state")).json()["clients"] == 3
    async with httpx.AsyncClient(base_url=f"http://{served}") as http:
        for _ in range(50):
            state = (await http.get("/state")).json()
            if state["clients"] == 0:
                break
            await asyncio.sleep(0.1)
    assert state["clients"] == 0
    assert state["events"].count(["disconnected", "/ws/lobby"]) == 2
