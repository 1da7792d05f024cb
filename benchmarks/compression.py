#!/usr/bin/env python3
"""What gzip costs on a 10 KB JSON response: Surge's CompressionMiddleware vs Starlette's GZipMiddleware.

Run from the repository root with the Surge venv (Starlette is a dev dependency)::

    .venv/bin/python benchmarks/compression.py [--pairs 30] [--batch 300] [--level 6]

In-process (no server, no socket): each framework's app answers ``GET /json`` with the same
~10 KB JSON document, once plain and once behind its gzip middleware at the same zlib level.
Plain and compressed requests are timed in alternating batches; the cost of gzip is the median
of (compressed - plain) per pair, in microseconds per request. The report is the two costs
and their ratio (Surge / Starlette: under 1 means Surge's gzip costs less).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from inprocess_driver import Exchange, make_scope  # noqa: E402

from surge import BaseConfig, Request, Surge  # noqa: E402
from surge.controller import Controller, get, path  # noqa: E402

DOC = {"items": [{"id": n, "name": f"item number {n}", "price": n * 1.25, "tags": ["a", "b"]} for n in range(150)]}


def surge_app(compressed: bool, level: int):  # type: ignore[no-untyped-def]
    @path("/")
    class Api(Controller):
        @get("/json")
        async def json(self, req: Request) -> dict:
            return DOC

    middleware = ["surge.middleware.compression:CompressionMiddleware"] if compressed else []
    config = BaseConfig(
        DEBUG=False, ACCESS_LOG=False, MIDDLEWARE=middleware, COMPRESSION={"ALGORITHMS": ["gzip"], "GZIP_LEVEL": level}
    )
    app = Surge(configs=config)
    app.register_controller(Api)
    return app


def starlette_app(compressed: bool, level: int):  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def json_endpoint(request):  # type: ignore[no-untyped-def]
        return JSONResponse(DOC)

    middleware = [Middleware(GZipMiddleware, compresslevel=level)] if compressed else []
    return Starlette(routes=[Route("/json", json_endpoint)], middleware=middleware)


async def batch(app, scope: dict, n: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for _ in range(n):
        exchange = Exchange(b"")
        await app(dict(scope), exchange.receive, exchange.send)
    return (time.perf_counter() - started) / n * 1e6


async def check(app, scope: dict, expect_gzip: bool) -> int:  # type: ignore[no-untyped-def]
    exchange = Exchange(b"", capture=True)
    await app(dict(scope), exchange.receive, exchange.send)
    headers = dict(exchange.headers or [])
    assert exchange.status == 200, exchange.status
    assert (headers.get(b"content-encoding") == b"gzip") is expect_gzip, headers
    return len(b"".join(exchange.chunks or []))


async def cost(make, pairs: int, n: int, level: int) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    scope = make_scope("GET", "/json", b"", [("accept-encoding", "gzip, deflate, br")], {})
    plain, gzipped = make(False, level), make(True, level)
    for app in (plain, gzipped):  # first request starts a Surge app (no lifespan here)
        await batch(app, scope, 50)
    size, compressed_size = await check(plain, scope, False), await check(gzipped, scope, True)
    deltas, bases = [], []
    for _ in range(pairs):
        base = await batch(plain, scope, n)
        deltas.append(await batch(gzipped, scope, n) - base)
        bases.append(base)
    return statistics.median(deltas), statistics.median(bases), size, compressed_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=300)
    parser.add_argument("--level", type=int, default=6, help="zlib level for both (Starlette's default is 9)")
    args = parser.parse_args()
    surge = asyncio.run(cost(surge_app, args.pairs, args.batch, args.level))
    starlette = asyncio.run(cost(starlette_app, args.pairs, args.batch, args.level))
    print(f"gzip level {args.level}, body {surge[2]} bytes JSON ({surge[3]} gzipped by Surge, {starlette[3]} by Starlette)")
    print("| framework | plain µs/req | gzip cost µs/req |")
    print("| --- | ---: | ---: |")
    print(f"| Surge CompressionMiddleware | {surge[1]:.1f} | {surge[0]:.1f} |")
    print(f"| Starlette GZipMiddleware | {starlette[1]:.1f} | {starlette[0]:.1f} |")
    print(f"ratio of gzip costs (Surge / Starlette): {surge[0] / starlette[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
