"""The upstream of the proxy tests: a small Surge app that granian serves on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path, post

MEMBER = os.environ.get("UPSTREAM_MEMBER", "one")


@path("/")
class Backend(Controller):
    @get("/whoami")
    async def whoami(self, req: Request) -> Response:
        return req.response.json({"member": MEMBER})

    @get("/echo")
    async def echo(self, req: Request) -> Response:
        return req.response.json(
            {"member": MEMBER, "path": req.path, "query": req.query_string, "headers": dict(req.headers)}
        )

    @post("/echo")
    async def echo_body(self, req: Request) -> Response:
        body = await req.body()
        return req.response.json({"body": body.decode(), "type": req.headers.get("content-type")}).status(201)

    @get("/cookies")
    async def cookies(self, req: Request) -> Response:
        response = req.response.text("two cookies").set_header("x-upstream", "yes")
        return response.set_cookie("a", "1").set_cookie("b", "2")

    @get("/missing")
    async def missing(self, req: Request) -> Response:
        return req.response.json({"upstream": "not here"}).status(404)

    @get("/slow")
    async def slow(self, req: Request) -> Response:
        await asyncio.sleep(3)
        return req.response.text("late")

    @get("/stream")
    async def stream(self, req: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            for n in range(5):
                yield f"chunk {n}\n".encode()
                await asyncio.sleep(0.01)

        return req.response.stream(chunks(), "text/plain")


class Config(BaseConfig):
    DEBUG: bool = False
    ACCESS_LOG: bool = False
    SECRET_KEY: str = "upstream-tests-secret-key-0123456789"


def create_app() -> Surge:
    application = Surge(configs=Config())
    application.register_controller(Backend)
    return application
