"""Four granian workers behind one port (``surge run --workers 4``), sharing one Redis.

A broadcast from one HTTP request reaches 50 websocket clients whichever worker holds them,
``send(client_id)`` reaches the right one, and sessions, CSRF, rate limits and cache agree
across workers. Each HTTP request here opens its own connection, so the requests spread over
the workers (the answers name the worker that served them).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from surge_testkit import REDIS_URL, free_port, require_service, wait_until_up

HERE = Path(__file__).resolve().parent
WORKERS = 4
CLIENTS = 50


def _fresh() -> httpx.AsyncClient:
    """A client that opens a new connection per request (so requests land on any worker)."""
    return httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0), timeout=10)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Base URL of ``surge run --workers 4`` serving tests/scale/surge_scale_app.py."""
    require_service("Redis", "127.0.0.1", 6379)
    redis_url = REDIS_URL
    prefix = f"surge-scale-test:{uuid.uuid4().hex}:"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "SURGE_SCALE_REDIS_URL": redis_url,
        "SURGE_SCALE_PREFIX": prefix,
    }
    command = [sys.executable, "-m", "surge.cli.main", "run", "surge_scale_app:create_app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(WORKERS), "--no-reload"]
    process = subprocess.Popen(
        command, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/health", process)
        yield base
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
        client.close()


async def _receive(ws: Any, wait: float = 10) -> dict[str, Any]:
    message: dict[str, Any] = orjson.loads(await asyncio.wait_for(ws.recv(), wait))
    return message


async def test_broadcast_and_send_reach_sockets_on_every_worker(cluster: str) -> None:
    from websockets.asyncio.client import connect

    ws_url = cluster.replace("http://", "ws://") + "/ws"
    sockets = [await connect(ws_url) for _ in range(CLIENTS)]
    try:
        hellos = [await _receive(ws) for ws in sockets]
        holders = Counter(hello["worker"] for hello in hellos)
        assert len(holders) >= 2, f"every socket landed on one worker: {holders}"
        async with _fresh() as http:
            assert (await http.post(cluster + "/broadcast", content=b"to all fifty")).status_code == 200
            received = await asyncio.gather(*(_receive(ws) for ws in sockets))
            assert [message["text"] for message in received] == ["to all fifty"] * CLIENTS

            crossed = 0
            for index, hello in enumerate(hellos):
                answer = await http.post(f"{cluster}/push/{hello['client_id']}", content=f"only {index}".encode())
                assert answer.status_code == 200
                crossed += answer.json()["worker"] != hello["worker"]
            assert crossed > 0, "every push was served by the worker holding its socket: nothing crossed workers"
            await http.post(cluster + "/broadcast", content=b"end")
        for index, ws in enumerate(sockets):  # its own message, then the marker: nothing meant for another
            assert (await _receive(ws))["text"] == f"only {index}"
            assert (await _receive(ws))["text"] == "end"
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))


async def test_a_login_on_one_worker_is_seen_by_all_and_csrf_and_cache_agree(cluster: str) -> None:
    async with _fresh() as http:
        login = await http.post(cluster + "/login", data={"username": "ann", "password": "ann-password"})
        assert login.status_code == 200
        answers = [await http.get(cluster + "/me") for _ in range(16)]
        assert {answer.json()["user"] for answer in answers} == {"ann"}
        assert len({answer.json()["worker"] for answer in answers}) >= 2

        token = (await http.get(cluster + "/token")).json()["csrf"]
        name = uuid.uuid4().hex
        writes = [
            await http.post(f"{cluster}/cache/{name}", content=f"v{i}".encode(), headers={"X-CSRF-Token": token})
            for i in range(8)
        ]
        assert [write.status_code for write in writes] == [200] * 8  # a token from one worker passes on all
        refused = await http.post(f"{cluster}/cache/{name}", content=b"forged")  # the session cookie, no token
        assert refused.status_code == 403
        reads = [await http.get(f"{cluster}/cache/{name}") for _ in range(8)]
        assert {read.json()["cached"]["value"] for read in reads} == {"v7"}
        assert len({read.json()["worker"] for read in reads} | {write.json()["worker"] for write in writes}) >= 2


async def test_100_per_minute_lets_exactly_100_of_400_concurrent_requests_through(cluster: str) -> None:
    run = uuid.uuid4().hex
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=400, max_keepalive_connections=0), timeout=30) as http:
        answers = await asyncio.gather(*(http.get(f"{cluster}/limited", params={"run": run}) for _ in range(400)))
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {200: 100, 429: 300}
    passed_by = {answer.json()["worker"] for answer in answers if answer.status_code == 200}
    assert len(passed_by) >= 2, "the 100 passed through one worker only: the test did not spread the load"
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json() == {"status": "error", "message": "Too many requests"}
