"""The app the real-server HTTP-semantics tests serve with granian (``served_http:create_app``).

``SURGE_TEST_HTTP_DIR`` is a folder holding ``clip.bin``; the SSE source writes ``closed`` there
when it is closed (the client went away).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.http.sse import ServerSentEvent

FOLDER = Path(os.environ.get("SURGE_TEST_HTTP_DIR", "."))


async def ticks() -> AsyncIterator[ServerSentEvent]:
    try:
        for n in range(1000):
            yield ServerSentEvent({"n": n}, event="tick", id=n)
            await asyncio.sleep(0.05)
    finally:
        (FOLDER / "closed").write_text("closed")


@path("/")
class HttpApi(Controller):
    @get("/clip")
    async def clip(self, req: Request) -> Response:
        return req.response.send_file(FOLDER / "clip.bin")

    @get("/report")
    async def report(self, req: Request) -> dict:
        return {"rows": [{"id": n, "label": f"row number {n}"} for n in range(300)]}

    @get("/versioned")
    async def versioned(self, req: Request) -> Response:
        return req.response.json({"v": 1}).set_etag("v1").cache_control(max_age=30)

    @get("/ticks")
    async def ticks(self, req: Request) -> Response:
        return req.response.sse(ticks(), ping=1.0)


def create_app() -> Surge:
    """The served app, with the compression middleware."""
    config = BaseConfig(
        DEBUG=False,
        ACCESS_LOG=False,
        BASE_PATH=str(FOLDER),
        MIDDLEWARE=["surge.middleware.compression:CompressionMiddleware"],
    )
    app = Surge(configs=config)
    app.register_controller(HttpApi)
    return app
