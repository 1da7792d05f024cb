"""Helpers of the observability tests: an app factory and a TCP proxy the test owns (to cut a service)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.exceptions import NotFound


@path("/api")
class Items(Controller):
    @get("/items/<int:item_id>")
    async def item(self, req: Request, item_id: int) -> Response:
        if item_id == 404:
            raise NotFound("No such item")
        if item_id == 500:
            raise RuntimeError("boom")
        return req.response.json({"id": item_id, "request_id": getattr(req.state, "request_id", None)})


def obs_app(*extensions: Any, controllers: tuple[type, ...] = (Items,), **config: Any) -> Surge:
    """An app with ``extensions`` listed in order (Observability first, as the docs say)."""
    config.setdefault("DEBUG", False)
    config.setdefault("ACCESS_LOG", False)
    config.setdefault("BASE_PATH", os.path.dirname(__file__))
    app = Surge(configs=BaseConfig(**config))
    for extension in extensions:
        app.add_extension(extension)
    for controller in controllers:
        app.register_controller(controller)
    return app


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a real service until :meth:`cut` closes it (the outage)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.get_running_loop().create_task(self._pipe(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.close()

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.sleep(0.05)
