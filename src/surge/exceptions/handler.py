"""Exception handler classes and the registry that dispatches exceptions to them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from surge.types import AppContext

__all__ = ["ExceptionHandler", "handler_methods", "handles"]

F = TypeVar("F", bound=Callable[..., Any])


def handles(*exceptions: type[BaseException]) -> Callable[[F], F]:
    """Mark an ``ExceptionHandler`` method as the handler of ``exceptions``.

    The method receives ``(self, req, exc)`` and returns a Response.
    """

    def decorator(func: F) -> F:
        existing: tuple[type[BaseException], ...] = getattr(func, "__surge_handles__", ())
        func.__surge_handles__ = existing + exceptions  # type: ignore[attr-defined]
        return func

    return decorator


class ExceptionHandler:
    """Base class of exception handler classes (registered through ``EXCEPTION_HANDLERS``)."""

    def __init__(self, app: AppContext) -> None:
        self._app = app

    @property
    def app(self) -> AppContext:
        """The application."""
        return self._app


def handler_methods(instance: ExceptionHandler) -> list[tuple[type[BaseException], Callable[..., Awaitable[Any]]]]:
    """``(exception class, bound method)`` for every ``@handles`` method of ``instance``."""
    found = []
    for name in dir(type(instance)):
        for exc_type in getattr(getattr(type(instance), name, None), "__surge_handles__", ()):
            found.append((exc_type, getattr(instance, name)))
    return found
