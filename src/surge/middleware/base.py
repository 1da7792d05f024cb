"""User middleware: request-in, response-out objects chained once at startup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar

from surge.types import AppContext

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["MiddlewareBase", "Next"]

Next = Callable[["Request"], Awaitable["Response"]]
"""The rest of the chain: the next middleware, or the app's dispatch."""


async def _unchained(req: Request) -> Response:
    raise RuntimeError("This middleware is not in an application's chain yet")


class MiddlewareBase:
    """Base class of middleware.

    Implement ``async def middleware(self, req) -> Response``: return a Response to
    short-circuit, or ``await self.next(req)`` to pass the request on. The first listed
    middleware is the outermost. An exception raised here, or further in, travels out through
    the middleware around it (their ``finally`` blocks run) to the app's exception handlers.
    A middleware that must post-process error responses too (security headers, the session
    cookie) sets ``sees_error_responses``: exceptions raised further in are then answered
    before ``self.next`` returns.

    Classes listed in ``MIDDLEWARE`` are built by the app as ``Class(app, next_app)``;
    extensions hand the app ready instances, and the app links them with :meth:`chain`.
    """

    sees_error_responses: ClassVar[bool] = False

    def __init__(self, app: AppContext, next_app: Next | None = None) -> None:
        self.app = app
        self.next: Next = next_app or _unchained

    def chain(self, next_app: Next) -> Next:
        """Link this middleware in front of ``next_app``; returns the entry of the longer chain."""
        self.next = next_app
        return self.middleware

    async def middleware(self, req: Request) -> Response:
        """Handle ``req``; the default passes it on unchanged."""
        return await self.next(req)
