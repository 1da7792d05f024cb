"""The seed's ``Middleware``: ``process(request, response)`` around every REST resource.

Called with ``response=None`` before the endpoint (return a Response to answer at once),
then with the endpoint's response (return a Response to replace it, or None to keep it).
``process`` may be sync or async. Middlewares run in declaration order before the endpoint
and in reverse order after it. For middleware around the whole app, use
:class:`surge.middleware.MiddlewareBase`.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["Middleware", "run_after", "run_before"]


class Middleware:
    """Base class of REST middlewares (one instance per RestApi)."""

    def process(self, request: Request, response: Response | None) -> Response | None:
        """Before (``response is None``) and after the endpoint; see the module docs."""
        return None


async def _process(middleware: Any, request: Request, response: Response | None) -> Any:
    result = middleware.process(request, response)
    if inspect.isawaitable(result):
        result = await result
    return result


async def run_before(middlewares: tuple[Any, ...], request: Request) -> Response | None:
    """The first Response a middleware returns before the endpoint, or None."""
    from surge.http.response import Response

    for middleware in middlewares:
        result = await _process(middleware, request, None)
        if isinstance(result, Response):
            return result
    return None


async def run_after(middlewares: tuple[Any, ...], request: Request, response: Response) -> Response:
    """The response after every middleware's post-processing (reverse order)."""
    from surge.http.response import Response

    for middleware in reversed(middlewares):
        result = await _process(middleware, request, response)
        if isinstance(result, Response):
            response = result
    return response
