"""Turning an endpoint result into a cacheable payload, and a payload back into a Response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, get_type_hints

from pydantic import TypeAdapter

from surge.controller._params import response_model_of
from surge.controller.spec import endpoint_spec
from surge.http._json import dumps
from surge.http.response import Response

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["build_normalizer", "from_payload", "to_payload"]

Normalizer = Callable[["Request", Any], Awaitable[Response]]


def build_normalizer(func: Callable[..., Any]) -> Normalizer:
    """The coroutine that finishes a handler result the way the app would, at startup.

    It applies what the endpoint declared (default status for plain values, ``@produces``,
    ``Response[Model]`` filtering), renders pending templates and encodes JSON, so the bytes
    stored are the bytes a client would have received.
    """
    spec = endpoint_spec(func)
    default_status = spec.status_code
    produces = spec.produces
    try:
        model = response_model_of(get_type_hints(func).get("return"))
    except Exception:
        model = None
    adapter: TypeAdapter[Any] | None = TypeAdapter(model) if model is not None else None

    async def normalize(req: Request, result: Any) -> Response:
        if isinstance(result, Response):
            response = result
        elif result is None:
            response = req.response
        else:
            response = req.response.json(result)
            if default_status is not None:
                response.status_code = default_status
        if produces is not None and response.media_type is None:
            response.media_type = produces
        await response.render()
        if response.has_json:
            data = response.json_data
            if adapter is not None and response.status_code < 400:
                if not (isinstance(model, type) and isinstance(data, model)):
                    data = adapter.validate_python(data, from_attributes=True)
                response.set_json_body(adapter.dump_json(data))
            else:
                response.set_json_body(dumps(data))
        return response

    return normalize


def to_payload(response: Response) -> dict[str, Any] | None:
    """The storable form of ``response``, or None when it must not be cached.

    Not cached: errors (status >= 400), streams and files (no body in memory), and responses
    that set cookies (a cookie is meant for one client).
    """
    if response.status_code >= 400:
        return None
    # The Response keeps these private; a cache must not store what it cannot replay.
    if getattr(response, "_stream", None) is not None or getattr(response, "_file", None) is not None:
        return None
    if getattr(response, "_cookies", None):
        return None
    if response.has_json:
        response.set_json_body(dumps(response.json_data))
    return {
        "status_code": response.status_code,
        "headers": dict(response.headers),
        "media_type": None if response.media_type is None else str(response.media_type),
        "body": response.body,
    }


def from_payload(req: Request, payload: dict[str, Any]) -> Response:
    """A response for ``req`` rebuilt from a cached payload (which stays untouched)."""
    response = req.response
    response.status_code = int(payload["status_code"])
    response.headers.update(payload.get("headers") or {})
    response.media_type = payload.get("media_type")
    body = payload.get("body", b"")
    response.body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return response
