#!/usr/bin/env python3
"""Websocket broadcast latency to 50 clients held by 4 granian workers, fanned out through Redis.

Run from the repository root with the Surge venv and a Redis on 127.0.0.1:6379::

    .venv/bin/python benchmarks/ws_broadcast.py [--clients 50] [--broadcasts 300] [--workers 4]

``surge run --workers 4`` serves tests/scale/surge_scale_app.py with ``WEBSOCKETS.BROKER`` set
to Redis. 50 websocket clients connect (spread over the workers by the kernel); then, one
after the other, an HTTP request asks one worker to broadcast, and each client notes when the
message arrives. Latency is measured from just before the HTTP request is sent to the
arrival at a client (one clock: the clients and the timer share this process). Reported: p50
and p99 over every delivery, and over the last of the 50 deliveries of each broadcast.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale_cluster import cluster  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def measure(base: str, clients: int, broadcasts: int) -> tuple[list[float], list[float], Counter[int]]:
    from websockets.asyncio.client import connect

    sockets = [await connect(base.replace("http://", "ws://") + "/ws") for _ in range(clients)]
    holders = Counter([orjson.loads(await ws.recv())["worker"] for ws in sockets])
    every: list[float] = []
    last: list[float] = []

    async def arrival(ws: object) -> float:
        await ws.recv()  # type: ignore[attr-defined]
        return time.perf_counter()

    async with httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0)) as http:
        for round_ in range(broadcasts + 20):
            waiting = [asyncio.create_task(arrival(ws)) for ws in sockets]
            start = time.perf_counter()
            response = await http.post(base + "/broadcast", content=b"tick")
            assert response.status_code == 200, response.text
            arrivals = await asyncio.wait_for(asyncio.gather(*waiting), 10)
            if round_ >= 20:  # warm-up: connections, script caches, JIT-less first calls
                every.extend((t - start) * 1000 for t in arrivals)
                last.append((max(arrivals) - start) * 1000)
    await asyncio.gather(*(ws.close() for ws in sockets))
    return every, last, holders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--broadcasts", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--out", default=str(HERE / "results" / "ws_broadcast.md"))
    args = parser.parse_args()
    with cluster(args.redis, args.workers) as base:
        every, last, holders = asyncio.run(measure(base, args.clients, args.broadcasts))
    rows = [
        ("every delivery", every),
        (f"last of the {args.clients} (whole broadcast)", last),
    ]
    lines = [
        "# Websocket broadcast latency across workers",
        "",
        f"`benchmarks/ws_broadcast.py`: {args.clients} websocket clients on `surge run --workers {args.workers}`"
        f" (granian), `WEBSOCKETS.BROKER` = Redis pub/sub; {args.broadcasts} broadcasts, one at a time, each"
        " from one HTTP request (a new connection, so any worker may serve it). Milliseconds from sending the"
        " request to the message's arrival.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()};"
        f" clients per worker: {sorted(holders.values(), reverse=True)}. The load generator, Redis and the"
        " workers share the machine.",
        "",
        "| measured | p50 ms | p99 ms | mean ms |",
        "| --- | --- | --- | --- |",
    ]
    for name, values in rows:
        lines.append(
            f"| {name} | {percentile(values, 50):.2f} | {percentile(values, 99):.2f} | {statistics.fmean(values):.2f} |"
        )
    report = "\n".join(lines) + "\n"
    Path(args.out).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
