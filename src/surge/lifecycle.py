"""Startup and shutdown: ``@on_startup`` / ``@on_shutdown`` app methods, the hooks extensions add,
and a ``lifespan`` async context manager (as Starlette and Litestar take it).

Order at startup: the extensions (and ``add_on_startup_method`` hooks), then the lifespan's
code before ``yield``, then the ``@on_startup`` methods. At shutdown the reverse: the
``@on_shutdown`` methods, the lifespan's code after ``yield``, then the extensions. So the
lifespan can use what extensions opened (a database), and ``@on_startup`` methods what the
lifespan made. A mapping the lifespan yields is merged into ``app.state``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any, TypeVar

from surge._marks import marked_members

__all__ = ["Hook", "LifecycleHooks", "LifespanFactory", "on_shutdown", "on_startup"]

F = TypeVar("F", bound=Callable[..., Any])
Hook = Callable[[], Awaitable[Any] | Any]
"""A startup or shutdown callable (sync or async)."""

LifespanFactory = Callable[[Any], AbstractAsyncContextManager[Any]]
"""``lifespan(app)``: an async context manager entered at startup and left at shutdown."""

_MARK = "__surge_lifecycle__"


def on_startup(func: F) -> F:
    """Run this app method at startup (methods run in alphabetical order)."""
    setattr(func, _MARK, "startup")
    return func


def on_shutdown(func: F) -> F:
    """Run this app method at shutdown (methods run in alphabetical order)."""
    setattr(func, _MARK, "shutdown")
    return func


class LifecycleHooks:
    """The startup hooks (extensions first, then the app's methods) and the shutdown hooks (in reverse).

    ``lifespan``: ``Surge(lifespan=...)``; when not given, the app class's own ``lifespan``
    method (``@asynccontextmanager async def lifespan(self): ...``) if it has one.
    """

    __slots__ = ("_owner", "_stack", "lifespan", "shutdown", "startup")

    def __init__(self, owner: object, lifespan: LifespanFactory | None = None) -> None:
        self._owner = owner
        self.startup: list[Hook] = []
        self.shutdown: list[Hook] = []
        self._stack: AsyncExitStack | None = None
        if lifespan is None:
            method = getattr(owner, "lifespan", None)
            self.lifespan: Callable[[], AbstractAsyncContextManager[Any]] | None = method if callable(method) else None
        else:
            self.lifespan = lambda: lifespan(owner)

    def add_startup(self, hook: Hook) -> None:
        """Run ``hook`` at startup, after those added before it."""
        self.startup.append(hook)

    def add_shutdown(self, hook: Hook) -> None:
        """Run ``hook`` at shutdown, before those added before it."""
        self.shutdown.insert(0, hook)

    def _marked(self, kind: str) -> list[Hook]:
        return [getattr(self._owner, name) for name, mark in marked_members(type(self._owner), _MARK) if mark == kind]

    async def run_startup(self) -> None:
        """Run the added startup hooks, enter the lifespan, then run the owner's ``@on_startup`` methods.

        Should a step after the lifespan's entry fail, the lifespan is left (with the error)
        before the error propagates.
        """
        await _run(self.startup)
        if self.lifespan is None:
            await _run(self._marked("startup"))
            return
        stack = AsyncExitStack()
        async with AsyncExitStack() as guard:
            guard.push_async_exit(stack)
            state = await stack.enter_async_context(self.lifespan())
            if isinstance(state, Mapping):
                app_state = getattr(self._owner, "state", None)
                if isinstance(app_state, dict):
                    app_state.update(state)
            await _run(self._marked("startup"))
            guard.pop_all()
        self._stack = stack

    async def run_shutdown(self) -> None:
        """Run the owner's ``@on_shutdown`` methods, leave the lifespan, then run the added shutdown hooks."""
        stack, self._stack = self._stack, None
        try:
            await _run(self._marked("shutdown"))
        finally:
            if stack is not None:
                await stack.aclose()
        await _run(self.shutdown)


async def _run(hooks: list[Hook]) -> None:
    for hook in hooks:
        result = hook()
        if inspect.isawaitable(result):
            await result
