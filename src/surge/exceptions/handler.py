"""Exception handler classes and the registry that dispatches exceptions to them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from surge.exceptions.http import BaseHttpException, HtmlAborterException

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["ExceptionHandler", "ExceptionRegistry", "handles"]

F = TypeVar("F", bound=Callable[..., Any])
HandlerFunc = Callable[["Request", BaseException], Awaitable["Response"]]


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

    def __init__(self, app: Surge) -> None:
        self._app = app

    @property
    def app(self) -> Surge:
        """The application."""
        return self._app


class ExceptionRegistry:
    """Finds the handler for an exception: the most specific registered class wins."""

    def __init__(self) -> None:
        self._handlers: dict[type[BaseException], HandlerFunc] = {}
        self._resolved: dict[type[BaseException], HandlerFunc | None] = {}

    def add_handler_class(self, instance: ExceptionHandler) -> None:
        """Register every ``@handles`` method of ``instance``."""
        for name in dir(type(instance)):
            attr = getattr(type(instance), name, None)
            for exc_type in getattr(attr, "__surge_handles__", ()):
                self.add(exc_type, getattr(instance, name))

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


async def default_http_exception(req: Request, exc: BaseException) -> Response:
    """JSON body for a BaseHttpException (HTML page for html_abort)."""
    assert isinstance(exc, BaseHttpException)
    response = req.app.response_class(req)
    if isinstance(exc, HtmlAborterException):
        context = exc.data if isinstance(exc.data, dict) else {"data": exc.data}
        await response.html(exc.template, context)
    else:
        response.json(exc.to_dict())
    response.status(exc.status_code)
    for key, value in exc.headers.items():
        response.set_header(key, value)
    return response


async def default_validation_error(req: Request, exc: BaseException) -> Response:
    """422 with every field error of a pydantic ValidationError."""
    assert isinstance(exc, ValidationError)
    errors = [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    body = {"status": "error", "message": "Validation failed", "errors": errors}
    return req.app.response_class(req).json(body).status(422)
