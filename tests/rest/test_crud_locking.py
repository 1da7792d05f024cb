"""Optimistic locking under concurrency: one winner per version, no lost or doubled update."""

from __future__ import annotations

import asyncio

from surge.rest import Field, RestEndpoint
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class CounterEndpoint(RestEndpoint):
    name: str = Field(min_length=1)
    count: int = Field(default=0, ge=0)
    last_writer: int = Field(default=-1)


CLIENTS = 20


async def test_twenty_clients_with_one_version_exactly_one_wins(target: Target) -> None:
    app = rest_app(target, {"/counters": CounterEndpoint}, SQL_DATABASE=target.section(POOL_SIZE=CLIENTS))
    async with TestClient(app) as client:
        await client.post("/counters", json={"name": "c"})
        read = (await client.get("/counters/1")).json()
        assert read["version"] == 1

        async def write(writer: int) -> int:
            response = await client.put(
                "/counters/1",
                json={"name": "c", "count": read["count"] + 1, "last_writer": writer, "version": read["version"]},
            )
            return response.status_code

        statuses = await asyncio.gather(*(write(writer) for writer in range(CLIENTS)))
        assert sorted(statuses) == [200] + [409] * (CLIENTS - 1)
        winner = statuses.index(200)
        final = (await client.get("/counters/1")).json()
        assert final["version"] == 2 and final["count"] == 1 and final["last_writer"] == winner
    assert await target.fetch("SELECT count, version, last_writer FROM counterendpoints") == [(1, 2, winner)]


async def test_retrying_clients_lose_no_update_and_apply_none_twice(target: Target) -> None:
    app = rest_app(target, {"/counters": CounterEndpoint}, SQL_DATABASE=target.section(POOL_SIZE=CLIENTS))
    async with TestClient(app) as client:
        await client.post("/counters", json={"name": "c"})
        conflicts = 0

        async def increment(writer: int) -> None:
            nonlocal conflicts
            for _ in range(200):  # bounded: each round, one of the contenders wins
                current = (await client.get("/counters/1")).json()
                response = await client.patch(
                    "/counters/1", json={"count": current["count"] + 1, "last_writer": writer, "version": current["version"]}
                )
                if response.status_code == 200:
                    assert response.json()["version"] == current["version"] + 1
                    return
                assert response.status_code == 409, response.text
                conflicts += 1
            raise AssertionError(f"writer {writer} never got its update in")

        await asyncio.gather(*(increment(writer) for writer in range(CLIENTS)))
        final = (await client.get("/counters/1")).json()
    assert final["count"] == CLIENTS  # every increment applied exactly once
    assert final["version"] == CLIENTS + 1
    assert conflicts > 0  # the clients really raced
