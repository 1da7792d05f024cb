"""PyJolt's names for the shapes of a middleware chain (typing only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from surge.types import AppContext

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["AppCallableType", "MiddlewareFactory"]


class AppCallableType(Protocol):
    """One link of the chain: a request in, a response out (what ``self.next`` is)."""

    def __call__(self, req: Request) -> Awaitable[Response]: ...


MiddlewareFactory = Callable[[AppContext, AppCallableType], AppCallableType]
"""Builds a link from the app and the next link: what a ``MIDDLEWARE`` class is (``Class(app, next_app)``)."""
