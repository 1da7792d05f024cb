#!/usr/bin/env python3
"""What the app answers while Redis is cut for 10 s (through a TCP proxy this script owns).

Run from the repository root with the Surge venv and a Redis on 127.0.0.1:6379::

    .venv/bin/python benchmarks/redis_outage.py [--cut 10]

``surge run --workers 4`` serves tests/scale/surge_scale_app.py with every piece of shared
state (sessions, CSRF, rate limits, cache, websocket fan-out) in Redis, reached through a TCP
proxy run by this script (the shared Redis itself is never stopped). A logged-in client and a
websocket client poll the app every 100 ms; after 5 s the proxy drops every connection and
refuses new ones for ``--cut`` seconds, then listens again. The report counts the answers per
endpoint and phase, and says when each endpoint answered 200 again after the restore.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "security"))

from scale_cluster import cluster  # noqa: E402
from surge_tcp_proxy import TcpProxy  # noqa: E402

PROBES = {
    "GET /me (session)": ("GET", "/me"),
    "GET /limited (rate limit)": ("GET", "/limited"),
    "GET /cache/x (cache)": ("GET", "/cache/x"),
    "POST /broadcast (websockets)": ("POST", "/broadcast"),
    "GET /health (no Redis)": ("GET", "/health"),
}


async def run(base: str, proxy: TcpProxy, cut: float) -> tuple[dict[tuple[str, str], Counter[int]], dict[str, float], Counter[str]]:
    from websockets.asyncio.client import connect

    answers: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    recovered: dict[str, float] = {}
    ws_seen: Counter[str] = Counter()
    phase = "before"
    restored_at = 0.0
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=httpx.Limits(max_keepalive_connections=0)) as http:
        login = await http.post("/login", data={"username": "ann", "password": "ann-password"})
        cookie = login.headers["set-cookie"].split(";", 1)[0]
        token = (await http.get("/token", headers={"Cookie": cookie})).json()["csrf"]
        headers = {"Cookie": cookie, "X-CSRF-Token": token}
        ws = await connect(base.replace("http://", "ws://") + "/ws")
        await ws.recv()

        async def listen() -> None:
            while True:
                await ws.recv()
                ws_seen[phase] += 1

        listener = asyncio.create_task(listen())

        async def poll(until: float) -> None:
            while time.monotonic() < until:
                for name, (method, url) in PROBES.items():
                    params = {"run": uuid.uuid4().hex} if "limited" in url else None
                    response = await http.request(method, url, params=params, headers=headers)
                    answers[(name, phase)][response.status_code] += 1
                    if phase == "after" and response.status_code == 200 and name not in recovered:
                        recovered[name] = time.monotonic() - restored_at
                await asyncio.sleep(0.1)

        await poll(time.monotonic() + 5)
        phase = "cut"
        await proxy.cut()
        await poll(time.monotonic() + cut)
        phase = "after"
        await proxy.restore()
        restored_at = time.monotonic()
        await poll(time.monotonic() + 8)
        listener.cancel()
        await ws.close()
    return answers, recovered, ws_seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cut", type=float, default=10.0)
    args = parser.parse_args()

    async def with_proxy() -> tuple[dict[tuple[str, str], Counter[int]], dict[str, float], Counter[str]]:
        proxy = TcpProxy("127.0.0.1", 6379)
        await proxy.start()
        try:
            loop = asyncio.get_running_loop()
            context = cluster(f"redis://127.0.0.1:{proxy.port}/0")
            base = await loop.run_in_executor(None, context.__enter__)
            try:
                return await run(base, proxy, args.cut)
            finally:
                await loop.run_in_executor(None, context.__exit__, None, None, None)
        finally:
            await proxy.cut()

    answers, recovered, ws_seen = asyncio.run(with_proxy())
    print(f"| endpoint | before | Redis cut ({args.cut:.0f} s) | after restore | first 200 after restore |")
    print("| --- | --- | --- | --- | --- |")
    for name in PROBES:
        cells = [", ".join(f"{code}x{n}" for code, n in sorted(answers[(name, p)].items())) for p in ("before", "cut", "after")]
        back = f"{recovered[name]:.2f} s" if name in recovered else "never"
        print(f"| {name} | {' | '.join(cells)} | {back} |")
    print(f"\nwebsocket broadcasts received: {dict(ws_seen)}")


if __name__ == "__main__":
    main()
