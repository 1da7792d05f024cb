#!/usr/bin/env python3
"""What a Server-Sent Event costs: Surge's ``req.response.sse`` vs a Starlette event stream.

Run from the repository root with the Surge venv (Starlette is a dev dependency)::

    .venv/bin/python benchmarks/sse.py [--events 2000] [--rounds 9]

In-process (no server, no socket): each app answers ``GET /events`` with ``--events`` JSON
events (``{"n": i}``) from an async generator. Surge formats them itself (``id``, ``data``) and
watches for the client's disconnect; Starlette gets the same events formatted by hand into a
``StreamingResponse`` of ``text/event-stream``, as its docs teach. Rounds alternate between the
two; the report is the median µs per event and the ratio (Surge / Starlette: under 1 means
Surge's events cost less).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from inprocess_driver import Exchange, make_scope  # noqa: E402

from surge import BaseConfig, Request, Response, Surge  # noqa: E402
from surge.controller import Controller, get, path  # noqa: E402


def surge_app(events: int) -> Surge:
    @path("/")
    class Stream(Controller):
        @get("/events")
        async def events(self, req: Request) -> Response:
            async def source() -> AsyncIterator[dict[str, int]]:
                for n in range(events):
                    yield {"n": n}

            return req.response.sse(source(), ping=60.0)

    app = Surge(configs=BaseConfig(DEBUG=False, ACCESS_LOG=False))
    app.register_controller(Stream)
    return app


def starlette_app(events: int):  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    async def endpoint(request):  # type: ignore[no-untyped-def]
        async def source() -> AsyncIterator[str]:
            for n in range(events):
                yield f"id: {n}\ndata: {json.dumps({'n': n})}\n\n"

        return StreamingResponse(source(), media_type="text/event-stream")

    return Starlette(routes=[Route("/events", endpoint)])


async def one_stream(app, scope: dict, capture: bool = False) -> Exchange:  # type: ignore[no-untyped-def]
    exchange = Exchange(b"", capture=capture)
    await app(dict(scope), exchange.receive, exchange.send)
    return exchange


async def per_event(app, scope: dict, events: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await one_stream(app, scope)
    return (time.perf_counter() - started) / events * 1e6


async def measure(events: int, rounds: int) -> tuple[float, float]:
    scope = make_scope("GET", "/events", b"", [("accept", "text/event-stream")], {})
    surge, starlette = surge_app(events), starlette_app(events)
    for app in (surge, starlette):  # warm up (the first request starts a Surge app) and check
        exchange = await one_stream(app, scope, capture=True)
        body = b"".join(exchange.chunks or [])
        assert exchange.status == 200 and body.count(b"data: ") == events, (exchange.status, body[:200])
    surge_costs, starlette_costs = [], []
    for _ in range(rounds):
        surge_costs.append(await per_event(surge, scope, events))
        starlette_costs.append(await per_event(starlette, scope, events))
    return statistics.median(surge_costs), statistics.median(starlette_costs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    surge, starlette = asyncio.run(measure(args.events, args.rounds))
    print(f"{args.events} JSON events per stream, median of {args.rounds} alternating rounds")
    print("| framework | µs per event |")
    print("| --- | ---: |")
    print(f"| Surge req.response.sse | {surge:.2f} |")
    print(f"| Starlette StreamingResponse (text/event-stream) | {starlette:.2f} |")
    print(f"ratio (Surge / Starlette): {surge / starlette:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
