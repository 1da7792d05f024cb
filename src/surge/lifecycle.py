"""Startup and shutdown: ``@on_startup`` / ``@on_shutdown`` app methods and the hooks extensions add."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from surge._marks import marked_members

__all__ = ["Hook", "LifecycleHooks", "on_shutdown", "on_startup"]

F = TypeVar("F", bound=Callable[..., Any])
Hook = Callable[[], Awaitable[Any] | Any]
"""A startup or shutdown callable (sync or async)."""

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
    """The startup hooks (extensions first, then the app's methods) and the shutdown hooks (in reverse)."""

    __slots__ = ("_owner", "shutdown", "startup")

    def __init__(self, owner: object) -> None:
        self._owner = owner
        self.startup: list[Hook] = []
        self.shutdown: list[Hook] = []

    def add_startup(self, hook: Hook) -> None:
        """Run ``hook`` at startup, after those added before it."""
        self.startup.append(hook)

    def add_shutdown(self, hook: Hook) -> None:
        """Run ``hook`` at shutdown, before those added before it."""
        self.shutdown.insert(0, hook)

    def _marked(self, kind: str) -> list[Hook]:
        return [getattr(self._owner, name) for name, mark in marked_members(type(self._owner), _MARK) if mark == kind]

    async def run_startup(self) -> None:
        """Run the added startup hooks, then the owner's ``@on_startup`` methods."""
        await _run([*self.startup, *self._marked("startup")])

    async def run_shutdown(self) -> None:
        """Run the owner's ``@on_shutdown`` methods, then the added shutdown hooks."""
        await _run([*self._marked("shutdown"), *self.shutdown])


async def _run(hooks: list[Hook]) -> None:
    for hook in hooks:
        result = hook()
        if inspect.isawaitable(result):
            await result
