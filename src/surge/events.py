"""The application's event bus: ``@app.on("name")`` listeners, ``await app.emit("name", ...)``.

Events are notifications, never a way to change a request: a listener's return value is
ignored, and a listener that raises is logged (with its name) and skipped, so an emitter never
fails because of a listener. Listeners run one after the other, in registration order; a
coroutine function is awaited, a plain function runs in a worker thread so it cannot block
the event loop. Emitting an event nobody listens to is a no-op.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["EventBus", "Listener", "REQUEST_EVENTS", "marked_listeners", "on"]

Listener = Callable[..., Awaitable[Any] | Any]
"""An event listener: ``listener(*args, **kwargs)``, sync or async."""

F = TypeVar("F", bound=Callable[..., Any])

REQUEST_EVENTS = ("request_started", "request_finished", "request_failed")
"""The built-in per-request events; the app serves requests without them when nobody listens."""

_MARK = "__surge_events__"


def on(*names: str) -> Callable[[F], F]:
    """Mark a method of the application class as a listener of the events ``names``.

    ``@app.on("startup")`` in the class body (``app`` being ``surge.app``) is the same thing;
    on an application instance, ``app.on(...)`` registers a plain function right away.
    """
    if not names:
        raise TypeError("on() needs at least one event name")

    def decorator(func: F) -> F:
        setattr(func, _MARK, (*getattr(func, _MARK, ()), *names))
        return func

    return decorator


def marked_listeners(owner: object) -> Iterable[tuple[str, Listener]]:
    """``(event, bound method)`` for the ``@on`` methods of ``owner``'s class, in definition order.

    Base classes come first; a method overridden in a subclass keeps its base's place.
    """
    methods: dict[str, tuple[str, ...]] = {}
    for cls in reversed(type(owner).__mro__):
        for name, value in vars(cls).items():
            names = getattr(value, _MARK, None)
            if names:
                methods[name] = names
            elif name in methods:
                del methods[name]  # overridden without the mark: no longer a listener
    return [(event, getattr(owner, name)) for name, events in methods.items() for event in events]


def _name_of(listener: Listener) -> str:
    return getattr(listener, "__qualname__", None) or repr(listener)


class EventBus:
    """Named events and their listeners, for one application (never shared between apps).

    ``emit_nowait`` and the thread-safe path need the app's event loop, which :meth:`bind`
    records at startup.
    """

    __slots__ = ("_listeners", "_loop", "_pending", "logger")

    def __init__(self, logger: Logger) -> None:
        self.logger = logger
        self._listeners: dict[str, list[Listener]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[asyncio.Task[None]] = set()

    def add_listener(self, name: str, listener: Listener) -> None:
        """Call ``listener`` on every ``emit(name, ...)``, after the listeners added before it."""
        if not callable(listener):
            raise TypeError(f"Listener of {name!r} must be callable, got {listener!r}")
        if name in REQUEST_EVENTS and self._loop is not None:
            raise RuntimeError(
                f"Listen to {name!r} before the app starts: request events are compiled into the request path at startup"
            )
        self._listeners.setdefault(name, []).append(listener)

    def on(self, *names: str) -> Callable[[F], F]:
        """Decorator: register the function as a listener of the events ``names``."""
        if not names:
            raise TypeError("on() needs at least one event name")

        def decorator(func: F) -> F:
            for name in names:
                self.add_listener(name, func)
            return func

        return decorator

    def listeners(self, name: str) -> tuple[Listener, ...]:
        """The listeners of ``name``, in the order they run."""
        return tuple(self._listeners.get(name, ()))

    def has_listeners(self, *names: str) -> bool:
        """True when any of ``names`` has a listener."""
        return any(self._listeners.get(name) for name in names)

    async def emit(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Run every listener of ``name`` with ``args`` and ``kwargs``, one after the other.

        A listener that raises is logged with its name; the others still run, and this never raises.
        """
        listeners = self._listeners.get(name)
        if not listeners:
            return
        for listener in tuple(listeners):
            try:
                if inspect.iscoroutinefunction(listener):
                    await listener(*args, **kwargs)
                else:
                    result = await asyncio.to_thread(listener, *args, **kwargs)
                    if inspect.isawaitable(result):  # a sync callable that returned a coroutine
                        await result
            except Exception as exc:
                self.logger.opt(exception=exc).error(f"Listener {_name_of(listener)} of event {name!r} failed")

    def emit_nowait(
        self, name: str, *args: Any, **kwargs: Any
    ) -> asyncio.Task[None] | concurrent.futures.Future[None] | None:
        """Schedule ``emit(name, ...)`` and return at once, from a coroutine or from any thread.

        Returns the task (from another thread: a ``concurrent.futures.Future``) for a caller
        that wants to wait; None when the event has no listener.

        Raises:
            RuntimeError: called from a thread before the app has started.
        """
        if not self._listeners.get(name):
            return None
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or (self._loop is not None and loop is not self._loop):
            target = self._loop
            if target is None or target.is_closed():
                raise RuntimeError(f"emit_nowait({name!r}) from a thread needs the app to be started")
            return asyncio.run_coroutine_threadsafe(self.emit(name, *args, **kwargs), target)
        task = loop.create_task(self.emit(name, *args, **kwargs))
        self._pending.add(task)  # a task nobody references may be collected before it runs
        task.add_done_callback(self._pending.discard)
        return task

    def bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Record the app's event loop (startup) or forget it (None, at shutdown)."""
        self._loop = loop

    async def drain(self) -> None:
        """Wait for the events scheduled with :meth:`emit_nowait` (at shutdown)."""
        while self._pending:
            await asyncio.gather(*tuple(self._pending), return_exceptions=True)

