"""The app the real-server tests of tests/_asgi serve with granian (``served_app:app``).

Static files come from ``SURGE_TEST_STATIC_BASE`` (a folder holding ``static/``).
"""

from __future__ import annotations

import os

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path, post
from surge.security import SecurityHeaders


class Opaque:
    """Something JSON cannot carry."""


@path("/")
class ServedApi(Controller):
    @get("/huge-int")
    async def huge_int(self, req: Request) -> dict:
        return {"n": 2**64}

    @get("/opaque")
    async def opaque(self, req: Request) -> Response:
        return req.response.json({"thing": Opaque()})

    @get("/items/<code>")
    async def item(self, req: Request, code: str) -> dict:
        return {"code": code}

    @post("/echo")
    async def echo(self, req: Request) -> Response:
        return req.response.json({"size": len(await req.body())})


def create_app() -> Surge:
    """The served app: DEBUG off, security headers on, BODY_TIMEOUT short."""
    config = BaseConfig(
        DEBUG=False,
        BASE_PATH=os.environ.get("SURGE_TEST_STATIC_BASE", "."),
        BODY_TIMEOUT=float(os.environ.get("SURGE_TEST_BODY_TIMEOUT", "1")),
        ACCESS_LOG=False,
    )
    application = Surge(__name__, configs=config)
    application.add_extension(SecurityHeaders())
    application.register_controller(ServedApi)
    return application
