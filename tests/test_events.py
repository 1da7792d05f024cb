"""The event bus: ``@app.on``, ``app.emit``, ``app.emit_nowait`` and the built-in events."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from loguru import logger

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.events import on
from surge.testing import TestClient

from surge_testkit import make_app


@pytest.fixture
def caplog_loguru() -> Any:
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="DEBUG")
    yield messages
    logger.remove(sink)


@path("/")
class Pages(Controller):
    @get("/ok")
    async def ok(self, req: Request) -> Response:
        await self.app.emit("page-viewed", "ok", by="handler")
        return req.response.json({"ok": True})

    @get("/boom")
    async def boom(self, req: Request) -> Response:
        raise ZeroDivisionError("boom")

    @get("/missing")
    async def missing(self, req: Request) -> Response:
        req.app.logger.info("about to 404")
        from surge import abort

        abort("nope", 404)
        raise AssertionError("unreachable")


class Tracked(Surge):
    """An app whose class methods listen, next to functions registered on the instance."""

    seen: list[Any]

    @on("startup")
    async def started(self) -> None:
        self.seen.append("method:startup")

    @on("page-viewed", "custom")
    def viewed(self, *args: Any, **kwargs: Any) -> None:  # sync: runs in a worker thread
        self.seen.append(("method", args, kwargs, threading.current_thread() is threading.main_thread()))


def tracked_app() -> Tracked:
    application = Tracked(__name__, configs=BaseConfig(DEBUG=False, BASE_PATH="."))
    application.seen = []
    application.register_controller(Pages)
    return application


async def test_listeners_run_in_order_sync_ones_off_the_loop() -> None:
    application = tracked_app()

    @application.on("page-viewed")
    async def second(*args: Any, **kwargs: Any) -> None:
        application.seen.append(("function", args, kwargs))

    async with TestClient(application) as client:
        assert application.seen == ["method:startup"]
        res = await client.get("/ok")
    assert res.status_code == 200
    assert application.seen[1:] == [
        ("method", ("ok",), {"by": "handler"}, False),
        ("function", ("ok",), {"by": "handler"}),
    ]


async def test_a_failing_listener_is_logged_and_the_rest_still_run(caplog_loguru: list[str]) -> None:
    application = tracked_app()
    calls: list[str] = []

    @application.on("page-viewed")
    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("listener bug")

    @application.on("page-viewed")
    async def after(*_: Any, **__: Any) -> None:
        calls.append("after")

    async with TestClient(application) as client:
        res = await client.get("/ok")
    assert res.status_code == 200 and res.json() == {"ok": True}
    assert calls == ["after"]
    assert any("broken" in line and "page-viewed" in line and "listener bug" in line for line in caplog_loguru)


async def test_emitting_an_unknown_event_is_a_no_op() -> None:
    application = tracked_app()
    async with TestClient(application):
        await application.emit("nobody-listens", 1, x=2)
        assert application.emit_nowait("nobody-listens") is None
    assert application.seen == ["method:startup"]


async def test_request_events_see_the_request_the_response_and_the_exception() -> None:
    application = tracked_app()
    log: list[tuple[str, str, Any]] = []

    @application.on("request_started")
    async def started(req: Request) -> None:
        log.append(("started", req.path, None))

    @application.on("request_finished")
    def finished(req: Request, response: Response) -> None:
        log.append(("finished", req.path, response.status_code))

    @application.on("request_failed")
    async def failed(req: Request, exc: BaseException) -> None:
        log.append(("failed", req.path, exc))

    async with TestClient(application) as client:
        assert (await client.get("/ok")).status_code == 200
        assert (await client.get("/missing")).status_code == 404
        res = await client.get("/boom")
        assert res.status_code == 500
        assert res.json()["message"] == "Internal server error"
    assert log[:4] == [
        ("started", "/ok", None),
        ("finished", "/ok", 200),
        ("started", "/missing", None),
        ("finished", "/missing", 404),  # an HTTP error is an answer, not a failure
    ]
    assert log[4] == ("started", "/boom", None)
    kind, where, exc = log[5]
    assert (kind, where) == ("failed", "/boom") and isinstance(exc, ZeroDivisionError) and str(exc) == "boom"
    assert log[6] == ("finished", "/boom", 500)


async def test_without_request_listeners_the_chain_entry_is_untouched() -> None:
    application = tracked_app()
    async with TestClient(application) as client:
        assert (await client.get("/ok")).status_code == 200
        assert application._servers is not None
        assert application._servers[0].entry is application._bare_entry


async def test_request_listeners_must_be_registered_before_startup() -> None:
    application = tracked_app()
    async with TestClient(application):
        with pytest.raises(RuntimeError, match="before the app starts"):
            application.on("request_started")(lambda req: None)
        application.on("custom")(lambda: None)  # any other event may be added at any time


async def test_emit_nowait_from_a_coroutine_and_from_a_thread() -> None:
    application = tracked_app()
    got: list[str] = []

    @application.on("tick")
    async def tick(where: str) -> None:
        got.append(where)

    async with TestClient(application):
        task = application.emit_nowait("tick", "loop")
        assert task is not None
        await task
        future = await asyncio.to_thread(application.emit_nowait, "tick", "thread")
        assert future is not None
        await asyncio.wrap_future(future)  # type: ignore[arg-type]
    assert got == ["loop", "thread"]


async def test_shutdown_event_runs_before_the_shutdown_hooks() -> None:
    application = tracked_app()
    order: list[str] = []
    application.on("shutdown")(lambda: order.append("event"))
    application.add_on_shutdown_method(lambda: order.append("hook"))
    async with TestClient(application):
        pass
    assert order == ["event", "hook"]


async def test_extensions_listen_from_init_app() -> None:
    heard: list[str] = []

    class Audit:
        def init_app(self, app: Surge) -> None:
            app.on("startup")(self.on_startup)

        async def on_startup(self) -> None:
            heard.append("audit")

    application = make_app(Pages)
    application.add_extension(Audit())  # type: ignore[attr-defined]
    async with TestClient(application):  # type: ignore[arg-type]
        pass
    assert heard == ["audit"]
