"""``RestMiddleware`` (LightAPI's ``Middleware``): ``process(request, response)`` around every REST resource.

Called with ``response=None`` before the endpoint (return a Response to answer at once),
then with the endpoint's response (return a Response to replace it, or None to keep it).
``process`` may be sync or async. Middlewares run in declaration order before the endpoint
and in reverse order after it. For middleware around the whole app, use
:class:`surge.middleware.MiddlewareBase`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["Middleware", "RestMiddleware", "run_after", "run_before"]


class RestMiddleware:
    """Base class of REST middlewares (one instance per RestApi)."""

    def process(self, request: Request, response: Response | None) -> Response | None | Awaitable[Response | None]:
        """Before (``response is None``) and after the endpoint; see the module docs."""
        return None


Middleware = RestMiddleware
"""LightAPI's name for :class:`RestMiddleware` (``surge.middleware`` holds the app's ASGI middleware)."""


async def _process(middleware: RestMiddleware, request: Request, response: Response | None) -> Response | None:
    result = middleware.process(request, response)
    if inspect.isawaitable(result):
        result = await result
    return result


async def run_before(middlewares: tuple[RestMiddleware, ...], request: Request) -> Response | None:
    """The first Response a middleware returns before the endpoint, or None."""
    from surge.http.response import Response

    for middleware in middlewares:
        result = await _process(middleware, request, None)
        if isinstance(result, Response):
            return result
    return None


async def run_after(middlewares: tuple[RestMiddleware, ...], request: Request, response: Response) -> Response:
    """The response after every middleware's post-processing (reverse order)."""
    from surge.http.response import Response

    for middleware in reversed(middlewares):
        result = await _process(middleware, request, response)
        if isinstance(result, Response):
            response = result
    return response
