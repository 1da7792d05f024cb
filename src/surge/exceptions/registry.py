"""The app's exception handlers by exception class: the most specific registered class wins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from surge.exceptions.handler import ExceptionHandler, handler_methods

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["ExceptionRegistry", "HandlerFunc"]

HandlerFunc = Callable[["Request", BaseException], Awaitable["Response"]]
"""An exception handler: the request and the exception -> the response."""


class ExceptionRegistry:
    """Finds the handler for an exception: the most specific registered class wins."""

    def __init__(self) -> None:
        self._handlers: dict[type[BaseException], HandlerFunc] = {}
        self._resolved: dict[type[BaseException], HandlerFunc | None] = {}

    def add_handler_class(self, instance: ExceptionHandler) -> None:
        """Register every ``@handles`` method of ``instance``."""
        for exc_type, method in handler_methods(instance):
            self.add(exc_type, method)

    def add(self, exc_type: type[BaseException], handler: HandlerFunc) -> None:
        """Register ``handler`` for ``exc_type`` (and its subclasses)."""
        self._handlers[exc_type] = handler
        self._resolved.clear()

    def find(self, exc_type: type[BaseException]) -> HandlerFunc | None:
        """The handler for ``exc_type``, walking its MRO (cached per type)."""
        try:
            return self._resolved[exc_type]
        except KeyError:
            pass
        handler = None
        for klass in exc_type.__mro__:
            handler = self._handlers.get(klass)
            if handler is not None:
                break
        self._resolved[exc_type] = handler
        return handler
