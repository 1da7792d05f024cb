"""The one error path: every exception, wherever it is raised, becomes a response here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from surge._located import source_locs
from surge.exceptions.http import BaseHttpException, HtmlAborterException
from surge.exceptions.registry import ExceptionRegistry
from surge.middleware.base import Next

if TYPE_CHECKING:
    from loguru import Logger

    from surge.http.request import Request
    from surge.http.response import Response

__all__ = [
    "REQUEST_ID_KEY",
    "ErrorResponder",
    "UnhandledInDebug",
    "default_http_exception",
    "default_validation_error",
    "guarded",
]
_INTERNAL_ERROR = {"status": "error", "message": "Internal server error"}

REQUEST_ID_KEY = "surge.request_id"
"""Scope key of the request id; set only when request ids are on (``surge.observability``)."""


def _error_body(req: Request, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` plus ``request_id`` when the request carries one, so a client can quote it."""
    request_id = req.scope.get(REQUEST_ID_KEY)
    return body if request_id is None else {**body, "request_id": request_id}


async def default_http_exception(req: Request, exc: BaseException) -> Response:
    """JSON body for a BaseHttpException (HTML page for html_abort)."""
    assert isinstance(exc, BaseHttpException)
    response = req.app.response_class(req)
    if isinstance(exc, HtmlAborterException):
        context = exc.data if isinstance(exc.data, dict) else {"data": exc.data}
        await response.html(exc.template, context)
    else:
        response.json(_error_body(req, exc.to_dict()))
    response.status(exc.status_code)
    for key, value in exc.headers.items():
        response.set_header(key, value)
    return response


async def default_validation_error(req: Request, exc: BaseException) -> Response:
    """422 with every field error of a pydantic ValidationError, ``loc`` led by where the value came from."""
    assert isinstance(exc, ValidationError)
    errors = [
        {"loc": loc, "msg": error["msg"], "type": error["type"]}
        for loc, error in zip(
            source_locs(req.scope, exc),
            exc.errors(include_url=False, include_context=False, include_input=False),
            strict=True,
        )
    ]
    body = {"status": "error", "message": "Validation failed", "errors": errors}
    return req.app.response_class(req).json(_error_body(req, body)).status(422)


class UnhandledInDebug(Exception):  # noqa: N818 - a carrier, not an error of its own
    """An unhandled exception in DEBUG: carries the debug page, and the exception to re-raise.

    Middleware guards let it pass, so the exception meets the exception handlers once; the
    HTTP dispatcher sends ``response``, then re-raises ``error`` for the server to log.
    """

    def __init__(self, response: Response, error: BaseException) -> None:
        super().__init__(str(error))
        self.response = response
        self.error = error


class ErrorResponder:
    """Turns an exception into a response: the most specific registered handler, else a 500.

    Used by the dispatcher, by every middleware link, by CORS and by the security refusals:
    user ``ExceptionHandler`` classes shape every error body, and nothing else does.
    """

    __slots__ = ("debug", "logger", "registry", "response_class")

    def __init__(self, registry: ExceptionRegistry, response_class: type[Response], *, debug: bool, logger: Logger):
        self.registry = registry
        self.response_class = response_class
        self.debug = debug
        self.logger = logger

    async def __call__(self, req: Request, exc: BaseException) -> Response:
        """The response for ``exc`` raised while handling ``req``.

        Raises:
            UnhandledInDebug: in DEBUG, for an exception no handler answered.
        """
        if isinstance(exc, UnhandledInDebug):
            raise exc
        handler = self.registry.find(type(exc))
        if handler is not None:
            try:
                return await handler(req, exc)
            except BaseHttpException as handler_exc:
                return await default_http_exception(req, handler_exc)
            except Exception as handler_exc:
                exc = handler_exc
        return self._unhandled(req, exc)

    def _unhandled(self, req: Request, exc: BaseException) -> Response:
        if self.debug:
            from surge._asgi.debug import debug_response

            raise UnhandledInDebug(debug_response(req, exc), exc)
        self.logger.opt(exception=exc).critical(f"Unhandled exception in {req.method} {req.path}")
        return self.response_class(req).json(_error_body(req, _INTERNAL_ERROR)).status(500)


def guarded(step: Next, respond: ErrorResponder) -> Next:
    """``step`` with its exceptions answered by ``respond``, so the middleware around it sees a response."""

    async def call(req: Request) -> Response:
        try:
            return await step(req)
        except Exception as exc:
            return await respond(req, exc)

    return call
