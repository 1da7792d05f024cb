"""Composition: other ASGI (or WSGI) apps mounted under a path prefix, and controllers included in code.

``app.mount("/legacy", other_app)`` serves every request under ``/legacy`` with ``other_app``, as
Starlette's ``Mount`` does: the child sees ``root_path`` grown by the prefix, gets the raw
``receive``/``send`` (its own middleware, not Surge's, answers), and its lifespan runs inside the
parent's (startup after the parent's extensions, shutdown before them). A Surge child routes on
``path`` without the prefix; other apps get the full ``path``, as Starlette (and so FastAPI)
expect since 0.33 (they strip ``root_path`` themselves; a2wsgi does too). The prefix check exists
only when something is mounted: it is decided when the app compiles.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from surge._asgi.http import AsgiApplication
from surge._asgi.websocket import WebsocketServer
from surge.controller.controller import Controller
from surge.controller.spec import controller_spec
from surge.exceptions.base import SurgeError
from surge.exceptions.config import ImproperlyConfigured, MissingDependency
from surge.http.response import Response
from surge.routing.router import Router
from surge.routing.rules import join_paths
from surge.types import ASGIApp, Connection, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.middleware.base import Next

__all__ = ["Composition", "Mount", "MountLifespanError", "MountedResponse"]


class MountLifespanError(SurgeError, RuntimeError):
    """A mounted app answered ``lifespan.startup.failed`` or ``lifespan.shutdown.failed``."""


class Mount:
    """One app mounted at ``prefix``, with its lifespan driven by the parent's."""

    __slots__ = (
        "_from_app",
        "_task",
        "_to_app",
        "app",
        "forward_lifespan",
        "prefix",
        "starts_with",
        "state",
        "strip_path",
    )

    def __init__(self, prefix: str, app: ASGIApp, *, forward_lifespan: bool = True, strip_path: bool = False) -> None:
        self.prefix = prefix
        self.starts_with = prefix + "/"
        self.app = app
        self.forward_lifespan = forward_lifespan
        self.strip_path = strip_path
        self.state: dict[str, Any] = {}  # the child's lifespan state, copied into each of its requests
        self._task: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()

    def matches(self, path: str) -> bool:
        """True when ``path`` is the prefix or under it (``/legacy`` and ``/legacy/...``, not ``/legacyx``)."""
        return path == self.prefix or path.startswith(self.starts_with)

    def child_scope(self, scope: Scope) -> Scope:
        """``scope`` as the mounted app sees it: ``root_path`` += prefix (and ``path`` without it for Surge)."""
        child = dict(scope)
        child["root_path"] = scope.get("root_path", "") + self.prefix
        if self.strip_path:
            child["path"] = scope["path"][len(self.prefix) :] or "/"
            raw_path = scope.get("raw_path")
            prefix = self.prefix.encode("utf-8")
            if isinstance(raw_path, bytes) and raw_path.startswith(prefix):
                child["raw_path"] = raw_path[len(prefix) :] or b"/"
        if self.state:
            child["state"] = dict(self.state)
        return child

    # -- lifespan ---------------------------------------------------------------------------------
    async def startup(self) -> None:
        """Start the child's lifespan; an app that does not speak lifespan is served without one.

        Raises:
            MountLifespanError: the child answered ``lifespan.startup.failed``.
        """
        if not self.forward_lifespan or self._task is not None:
            return
        self._to_app, self._from_app = asyncio.Queue(), asyncio.Queue()
        self.state = {}
        scope: Scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self._task = asyncio.create_task(self._run(scope), name=f"lifespan of the app mounted at {self.prefix}")
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._from_app.get()
        if message["type"] == "lifespan.startup.failed":
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            raise MountLifespanError(f"The app mounted at {self.prefix!r} failed to start: {message.get('message', '')}")
        if message["type"] != "lifespan.startup.complete":  # it returned or raised: no lifespan support
            self._task = None

    async def shutdown(self) -> None:
        """Send ``lifespan.shutdown`` to a child that was started, and wait for it to stop.

        Raises:
            MountLifespanError: the child answered ``lifespan.shutdown.failed``.
        """
        task, self._task = self._task, None
        if task is None:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        message = await self._from_app.get()
        await asyncio.gather(task, return_exceptions=True)
        if message["type"] == "lifespan.shutdown.failed":
            raise MountLifespanError(f"The app mounted at {self.prefix!r} failed to stop: {message.get('message', '')}")

    async def _run(self, scope: Scope) -> None:
        try:
            await self.app(scope, self._to_app.get, self._send_lifespan)
        except Exception as exc:  # per the ASGI spec, an app that raises here has no lifespan
            await self._from_app.put({"type": "unsupported", "message": f"{type(exc).__name__}: {exc}"})
            return
        await self._from_app.put({"type": "returned"})

    async def _send_lifespan(self, message: Message) -> None:
        await self._from_app.put(message)


class MountedResponse(Response):
    """The response of a request under a mount: sending it runs the mounted app on the raw ASGI channel.

    The parent's middleware is not run for it (the child has its own); the access log gets the
    status the child sent.
    """

    __slots__ = ("mount", "req")

    def __init__(self, request: Request, mount: Mount) -> None:
        super().__init__(request)
        self.req = request
        self.mount = mount

    def encode(self) -> bool:
        """Nothing to encode: the mounted app writes its own body."""
        return False

    async def __call__(self, send: Send, head: bool = False, request: Connection | None = None) -> None:
        """Run the mounted app; ``head`` is the child's business (it sees the method)."""
        req = self.req

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status_code = int(message["status"])
            await send(message)

        await self.mount.app(self.mount.child_scope(req.scope), req.receive, send_and_note)


def _find(mounts: Sequence[Mount], path: str) -> Mount | None:
    for mount in mounts:  # longest prefix first
        if mount.matches(path):
            return mount
    return None


def _mounting_entry(mounts: Sequence[Mount], entry: Next) -> Next:
    """``entry`` behind a prefix check: a request under a mount never reaches the parent's middleware."""

    async def serve(req: Request) -> Response:
        mount = _find(mounts, req.scope["path"])
        if mount is None:
            return await entry(req)
        return MountedResponse(req, mount)

    return serve


class _MountingWebsocketServer(WebsocketServer):
    """Websockets under a mount go to the mounted app; the rest to the parent's ``@socket`` handlers."""

    __slots__ = ("inner", "mounts")

    def __init__(self, inner: WebsocketServer, mounts: Sequence[Mount]) -> None:  # serve() is all it is asked
        self.inner = inner
        self.mounts = mounts

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hand the connection to the mounted app whose prefix matches, else serve it here."""
        mount = _find(self.mounts, scope["path"])
        if mount is None:
            await self.inner.serve(scope, receive, send)
        else:
            await mount.app(mount.child_scope(scope), receive, send)


class _Host(Protocol):
    """What composing needs of the application."""

    _mounts: tuple[Mount, ...]

    @property
    def router(self) -> Router: ...

    @property
    def ws_router(self) -> Router: ...

    def _check_not_started(self, what: str) -> None: ...

    def register_controller(self, controller: type[Controller], url_path: str | None = None) -> Controller: ...

    def add_on_startup_method(self, func: Any) -> None: ...

    def add_on_shutdown_method(self, func: Any) -> None: ...

    def mount(self, prefix: str, app: ASGIApp, *, lifespan: bool = True, strip_path: bool | None = None) -> Mount: ...


def _clean_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or not prefix.startswith("/") or prefix == "/" or "{" in prefix or "<" in prefix:
        raise ImproperlyConfigured(f"Mount prefix {prefix!r} must be a static path like '/legacy' (not '/')")
    return prefix.rstrip("/")


class Composition:
    """The application's ``mount``, ``mount_wsgi`` and ``include`` (a mixin of :class:`~surge.Surge`)."""

    _mounts: tuple[Mount, ...] = ()

    def mount(
        self: _Host, prefix: str, app: ASGIApp, *, lifespan: bool = True, strip_path: bool | None = None
    ) -> Mount:
        """Serve every request under ``prefix`` with another ASGI app (a Surge, Starlette or FastAPI app).

        The prefix belongs to the mounted app (a route of this app under it fails at startup);
        ``lifespan=False`` does not forward startup/shutdown.
        ``strip_path`` (default: only for a Surge app) removes the prefix from ``scope["path"]``,
        for apps that route on ``path`` without looking at ``root_path``.

        Raises:
            ImproperlyConfigured: the prefix is not a static path, is mounted twice, or ``app``
                is not callable.
            RuntimeError: the app has already started.
        """
        self._check_not_started("mount an app")
        clean = _clean_prefix(prefix)
        if not callable(app):
            raise ImproperlyConfigured(f"Mount {prefix!r}: {app!r} is not an ASGI application")
        if any(existing.prefix == clean for existing in self._mounts):
            raise ImproperlyConfigured(f"Mount prefix {clean!r} is already mounted")
        strip = isinstance(app, AsgiApplication) if strip_path is None else strip_path
        mount = Mount(clean, app, forward_lifespan=lifespan, strip_path=strip)
        self._mounts = tuple(sorted((*self._mounts, mount), key=lambda m: -len(m.prefix)))  # longest first
        self.add_on_startup_method(mount.startup)
        self.add_on_shutdown_method(mount.shutdown)
        return mount

    def mount_wsgi(self: _Host, prefix: str, wsgi_app: Any, *, workers: int = 10) -> Mount:
        """Serve every request under ``prefix`` with a WSGI app (Flask, Django), run in threads by a2wsgi.

        Raises:
            MissingDependency: a2wsgi is not installed (``pip install "surge[wsgi]"``).
        """
        try:
            from a2wsgi import WSGIMiddleware
        except ImportError:
            raise MissingDependency("a2wsgi", "wsgi") from None
        asgi_app = cast("ASGIApp", WSGIMiddleware(wsgi_app, workers=workers))
        return self.mount(prefix, asgi_app, lifespan=False, strip_path=False)

    def include(self: _Host, *controllers: type[Controller], prefix: str = "") -> list[Controller]:
        """Register controller classes under ``prefix`` (joined before each controller's ``@path``).

        The code form of the ``CONTROLLERS`` list: ``app.include(UsersV2, prefix="/v2")``.
        """
        if prefix and not prefix.startswith("/"):
            raise ImproperlyConfigured(f"include(prefix={prefix!r}): a prefix starts with '/'")
        included = []
        for controller in controllers:
            if not (isinstance(controller, type) and issubclass(controller, Controller)):
                raise ImproperlyConfigured(f"include(): {controller!r} must subclass surge.controller.Controller")
            path = join_paths(prefix, controller_spec(controller).path)
            included.append(self.register_controller(controller, url_path=path))
        return included

    def _mounted_http(self: _Host, entry: Next) -> Next:
        """The HTTP entry with the prefix check in front, only when something is mounted.

        Raises:
            ImproperlyConfigured: a route of this app lies under a mount prefix (it could never answer).
        """
        if not self._mounts:
            return entry
        for router in (self.router, self.ws_router):
            for route in router.routes:
                rule = "".join(part if isinstance(part, str) else "{" + part[0] + "}" for part in route.rule.parts)
                mount = _find(self._mounts, rule)
                if mount is not None:
                    raise ImproperlyConfigured(
                        f"Route {route.method} {rule} ({route.name}) is under the app mounted at {mount.prefix!r}: "
                        "mount it elsewhere or move the route"
                    )
        return _mounting_entry(self._mounts, entry)

    def _mounted_websocket(self, server: WebsocketServer) -> WebsocketServer:
        """The websocket server with the prefix check in front, only when something is mounted."""
        return _MountingWebsocketServer(server, self._mounts) if self._mounts else server
