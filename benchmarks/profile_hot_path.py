#!/usr/bin/env python3
"""Where each microsecond of Surge's per-request overhead goes (in-process, cProfile).

Run from the repository root with the Surge venv::

    .venv/bin/python benchmarks/profile_hot_path.py [--requests 20000] [--endpoints json,items]

It pushes requests for each endpoint of ``benchmarks/apps/surge_app.py`` straight through the
ASGI callable under cProfile and prints, per endpoint, the functions with the most own time
in microseconds per request. cProfile's own overhead inflates every figure by a similar
factor, so read the shares, not the absolute numbers (``run.py --inprocess`` has those).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "apps")]

from bench_common import ENDPOINTS  # noqa: E402
from inprocess_driver import make_scope  # noqa: E402


async def _drive(app: object, key: str, requests: int, profile: cProfile.Profile) -> None:
    endpoint = ENDPOINTS[key]
    body = endpoint.body

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        return None

    scope = make_scope(endpoint.method, endpoint.path, body, endpoint.headers, {})
    for _ in range(500):  # warm-up outside the profile
        await app(dict(scope), receive, send)  # type: ignore[operator]
    profile.enable()
    for _ in range(requests):
        await app(dict(scope), receive, send)  # type: ignore[operator]
    profile.disable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--endpoints", default="plaintext,json,users,items")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()

    import surge_app

    app = surge_app.app

    async def run() -> None:
        await app.startup()
        try:
            for key in args.endpoints.split(","):
                profile = cProfile.Profile()
                await _drive(app, key, args.requests, profile)
                stats = pstats.Stats(profile)
                rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
                total = sum(row[1][2] for row in rows) / args.requests * 1e6
                print(f"\n### {key}: {ENDPOINTS[key].method} {ENDPOINTS[key].path} "
                      f"({total:.1f} µs/request under cProfile)\n")
                print("| own µs/request | share | calls/request | function |")
                print("| ---: | ---: | ---: | --- |")
                for (filename, line, name), (_cc, calls, tottime, _ct, _callers) in rows[: args.top]:
                    where = filename.replace(os.path.dirname(HERE) + os.sep, "")
                    per = tottime / args.requests * 1e6
                    print(f"| {per:.2f} | {per / total:.0%} | {calls / args.requests:.1f} | `{where}:{line}({name})` |")
        finally:
            await app.shutdown()

    asyncio.run(run())


if __name__ == "__main__":
    main()
