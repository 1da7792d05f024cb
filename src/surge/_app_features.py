"""Application features from Atila's model: the event bus, push to websockets, template helpers,
and the media folder. A mixin of :class:`~surge.app.Surge`, kept here so ``app.py`` stays
registration and lifecycle.

Request events are compiled in at startup: with no ``request_started`` / ``request_finished``
listener the chain's entry is the one the app built, and with no ``request_failed`` listener
the error path is untouched.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from surge.events import EventBus, Listener, marked_listeners
from surge.http._folder_files import folder_path, folder_url
from surge.http.request import Request
from surge.http.response import Response
from surge.media import Media
from surge.static import Static
from surge.templating import Templates
from surge.websocket_brokers import fanout_from_config
from surge.websocket_registry import WebsocketRegistry

if TYPE_CHECKING:
    import concurrent.futures

    from loguru import Logger

    from surge._asgi.http import HttpChain
    from surge._asgi.websocket import WebsocketServer
    from surge.config import BaseConfig
    from surge.controller.controller import Controller
    from surge.exceptions.registry import ExceptionRegistry
    from surge.middleware.base import Next

__all__ = ["AppFeatures", "with_request_events"]

F = TypeVar("F", bound=Callable[..., Any])


def with_request_events(entry: Next, bus: EventBus) -> Next:
    """``entry`` emitting ``request_started(req)`` and ``request_finished(req, response)`` (only
    the events that have listeners; ``entry`` itself when neither has)."""
    started = bus.has_listeners("request_started")
    finished = bus.has_listeners("request_finished")
    if not (started or finished):
        return entry

    async def entry_with_events(req: Request) -> Response:
        if started:
            await bus.emit("request_started", req)
        response = await entry(req)
        if finished:
            await bus.emit("request_finished", req, response)
        return response

    return entry_with_events


def _failure_reporter(bus: EventBus) -> Callable[[Request, BaseException], Any]:
    """An exception handler for ``Exception``: emit ``request_failed``, then let the 500 path answer."""

    async def report_failure(req: Request, exc: BaseException) -> Response:
        await bus.emit("request_failed", req, exc)
        raise exc  # no answer here: the error responder logs it and sends the 500 (or the debug page)

    return report_failure


class AppFeatures:
    """``app.on`` / ``app.emit`` / ``app.emit_nowait``, ``app.websockets``, ``@app.template_filter``,
    ``@app.template_global``, ``app.static_url`` / ``app.media_url``, and the templates."""

    _event_bus: EventBus | None = None
    _websocket_registry: WebsocketRegistry | None = None
    _bare_entry: Next | None = None  # the chain's entry without request events

    if TYPE_CHECKING:
        _config: BaseConfig
        _templates: Templates | None
        _servers: tuple[HttpChain, WebsocketServer] | None
        exception_registry: ExceptionRegistry
        debug: bool

        @property
        def logger(self) -> Logger: ...

        @property
        def templates_path(self) -> str: ...

        @property
        def static_files_path(self) -> str: ...

        @property
        def configs(self) -> dict[str, Any]: ...

        def get_conf(self, config_name: str, default: Any = ...) -> Any: ...

        def url_for(self, endpoint: str, _external: bool = False, _scheme: str = "https", **values: Any) -> str: ...

        def register_controller(self, controller: type[Controller], url_path: str | None = None) -> Controller: ...

    # -- events ---------------------------------------------------------------------------------
    @property
    def events(self) -> EventBus:
        """The app's event bus; the ``@on`` methods of the app class are its first listeners."""
        bus = self._event_bus
        if bus is None:
            bus = self._event_bus = EventBus(self.logger)
            for name, listener in marked_listeners(self):
                bus.add_listener(name, listener)
        return bus

    def on(self, *names: str) -> Callable[[F], F]:
        """Decorator: call the function on every ``emit`` of one of ``names``.

        Built-in events: ``startup``, ``shutdown``, ``request_started(req)``,
        ``request_finished(req, response)``, ``request_failed(req, exc)``,
        ``websocket_connected(req, client_id)``, ``websocket_disconnected(req, client_id)``.
        """
        return self.events.on(*names)

    def add_event_listener(self, name: str, listener: Listener) -> None:
        """``app.on(name)(listener)`` without the decorator."""
        self.events.add_listener(name, listener)

    async def emit(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Run the listeners of ``name``, in order; a failing one is logged, never raised."""
        await self.events.emit(name, *args, **kwargs)

    def emit_nowait(
        self, name: str, *args: Any, **kwargs: Any
    ) -> asyncio.Task[None] | concurrent.futures.Future[None] | None:
        """Schedule ``emit`` without waiting for it (from a coroutine or a thread)."""
        return self.events.emit_nowait(name, *args, **kwargs)

    # -- websockets -----------------------------------------------------------------------------
    @property
    def websockets(self) -> WebsocketRegistry:
        """The registry of connected websockets: ``send``, ``broadcast``, ``join``, ``leave``.

        Its fan-out backend comes from ``WEBSOCKETS.BROKER`` (in-process when unset).
        """
        registry = self._websocket_registry
        if registry is None:
            backend = fanout_from_config(self.get_conf("WEBSOCKETS", None), self.logger)
            registry = self._websocket_registry = WebsocketRegistry(self.logger, backend)
        return registry

    # -- templates and files --------------------------------------------------------------------
    @property
    def templates(self) -> Templates:
        """The Jinja2 template environment (created on first use)."""
        if self._templates is None:
            template_globals = {
                "url_for": self.url_for,
                "config": self.configs,
                "app": self,
                "static": self.static_url,
                "media": self.media_url,
            }
            self._templates = Templates(
                self.templates_path, self._config.TEMPLATES_STRICT, template_globals=template_globals, auto_reload=self.debug
            )
        return self._templates

    def template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """Decorator: the function becomes the filter ``{{ value | name }}`` (default: its name)."""

        def decorator(func: F) -> F:
            self.templates.add_filter(name or func.__name__, func)
            return func

        return decorator

    def template_global(self, name: str | None = None) -> Callable[[F], F]:
        """Decorator: the function becomes the template global ``name`` (default: its name)."""

        def decorator(func: F) -> F:
            self.templates.add_global(name or func.__name__, func)
            return func

        return decorator

    def static_url(self, path: str) -> str:
        """The URL of a file in ``STATIC_DIR`` (Atila's ``was.static``); ``static(...)`` in templates."""
        return folder_url(self, "STATIC", path)

    def media_url(self, path: str) -> str:
        """The URL of a file in ``MEDIA_DIR``; ``media(...)`` in templates."""
        return folder_url(self, "MEDIA", path)

    def _register_file_folders(self) -> None:
        """Serve ``STATIC_DIR`` at ``STATIC_URL`` and ``MEDIA_DIR`` at ``MEDIA_URL``, each when it exists."""
        self.websockets  # noqa: B018 - built now, so a bad WEBSOCKETS section fails when the app is built
        if os.path.isdir(self.static_files_path):
            self.register_controller(Static, url_path=self._config.STATIC_URL)
        if os.path.isdir(folder_path(self, "MEDIA")):
            self.register_controller(Media, url_path=self._config.MEDIA_URL)

    # -- lifecycle ------------------------------------------------------------------------------
    async def _features_started(self) -> None:
        """After the startup hooks: bind the bus and the registry to the loop, compile the request
        events into the request path, emit ``startup``."""
        bus = self.events
        await self.websockets.start()
        assert self._servers is not None
        http = self._servers[0]
        if self._bare_entry is None:
            self._bare_entry = http.entry
        http.entry = with_request_events(self._bare_entry, bus)
        if bus.has_listeners("request_failed") and self.exception_registry.find(Exception) is None:
            self.exception_registry.add(Exception, _failure_reporter(bus))
        bus.bind(asyncio.get_running_loop())
        await bus.emit("startup")

    async def _features_stopping(self) -> None:
        """Before the shutdown hooks: emit ``shutdown``, wait for pending events, stop the registry."""
        bus = self.events
        await bus.emit("shutdown")
        await bus.drain()
        bus.bind(None)
        await self.websockets.stop()
