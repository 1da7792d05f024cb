"""Turning an HTTP exception into a response from inside middleware.

Middleware runs outside the app's dispatch, so an exception it raised would skip the
middleware around it (security headers, session cookie). Answering here, through the app's
exception handlers, keeps user ``ExceptionHandler`` classes in charge of the body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surge.exceptions.handler import default_http_exception
from surge.exceptions.http import BaseHttpException

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["error_response"]


async def error_response(req: Request, exc: BaseHttpException) -> Response:
    """The response the app's exception handlers give for ``exc``."""
    handler = req.app.exception_registry.find(type(exc))
    if handler is not None:
        try:
            return await handler(req, exc)
        except BaseHttpException as handler_exc:
            return await default_http_exception(req, handler_exc)
    return await default_http_exception(req, exc)
