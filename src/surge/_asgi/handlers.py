"""Exception handler methods as the app registers them: ``-> Response[Model]`` shapes the body.

As for endpoints, a handler annotated ``-> Response[ErrorModel]`` has its JSON body validated
through ``ErrorModel`` and serialised from it (undeclared fields dropped, defaults filled), so
every error it answers has one documented shape. The annotation is read once, at registration.
"""

from __future__ import annotations

from typing import Any, get_type_hints

from pydantic import TypeAdapter

from surge.controller._analysis import response_model_of
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.handler import ExceptionHandler, handler_methods
from surge.exceptions.registry import HandlerFunc
from surge.http.request import Request
from surge.http.response import Response

__all__ = ["exception_handlers", "shaped"]


def shaped(method: HandlerFunc) -> HandlerFunc:
    """``method`` itself, or, for a ``-> Response[Model]`` handler, one that shapes its JSON body.

    Raises:
        ImproperlyConfigured: the handler's annotations cannot be resolved.
    """
    try:
        hints = get_type_hints(method, include_extras=True)
    except Exception as exc:
        name = getattr(method, "__qualname__", repr(method))
        raise ImproperlyConfigured(f"Exception handler {name}: cannot resolve type hints: {exc}") from exc
    model = response_model_of(hints.get("return"))
    if model is None:
        return method
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    model_class = model if isinstance(model, type) else None

    async def handle(req: Request, exc: BaseException) -> Response:
        response = await method(req, exc)
        if response.has_json:
            data = response.json_data
            if model_class is None or not isinstance(data, model_class):
                data = adapter.validate_python(data, from_attributes=True)
            response.set_json_body(adapter.dump_json(data))
        return response

    handle.__qualname__ = getattr(method, "__qualname__", handle.__qualname__)
    return handle


def exception_handlers(instance: ExceptionHandler) -> list[tuple[type[BaseException], HandlerFunc]]:
    """``(exception class, handler)`` for every ``@handles`` method of ``instance``, shaped."""
    return [(exc_type, shaped(method)) for exc_type, method in handler_methods(instance)]
