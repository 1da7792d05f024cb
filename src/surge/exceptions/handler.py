"""Exception handler classes and the registry that dispatches exceptions to them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from surge._marks import marked_members
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
    found: list[tuple[type[BaseException], Callable[..., Awaitable[Any]]]] = []
    for name, exc_types in marked_members(type(instance), "__surge_handles__"):
        assert isinstance(exc_types, tuple)
        found.extend((exc_type, getattr(instance, name)) for exc_type in exc_types)
    return found
