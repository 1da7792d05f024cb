"""User middleware: request-in, response-out classes chained once at startup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["MiddlewareBase"]

Next = Callable[["Request"], Awaitable["Response"]]


class MiddlewareBase:
    """Base class of middleware listed in ``MIDDLEWARE``.

    Implement ``async def middleware(self, req) -> Response``: return a Response to
    short-circuit, or ``await self.next(req)`` to pass the request on. The first listed
    middleware is the outermost. An exception raised here reaches the exception handlers.
    """

    def __init__(self, app: Surge, next_app: Next) -> None:
        self.app = app
        self.next: Next = next_app

    async def middleware(self, req: Request) -> Response:
        """Handle ``req``; the default passes it on unchanged."""
        return await self.next(req)
