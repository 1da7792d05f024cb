"""The finisher: what a handler returned becomes the Response to send, once per request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response

if TYPE_CHECKING:
    from loguru import Logger

    from surge.controller.params import HandlerParams
    from surge.controller.spec import EndpointSpec

__all__ = ["Finish", "finisher", "keeps_responses"]

Finish = Callable[[Request, Any], Response]
"""Turns a handler's result (a Response, None, or data for JSON) into the Response to send."""

_BODYLESS_STATUSES = frozenset({204, 304})


def _sent_media_type(response: Response) -> str | None:
    """The media type the response will carry (an explicit Content-Type header wins), no parameters."""
    value = response.media_type
    if response.headers:
        value = next((v for k, v in response.headers.items() if k.lower() == "content-type"), value)
    return value.split(";", 1)[0].strip().lower() if value else None


def _produces_check(logger: Logger, name: str, produces: str) -> tuple[Callable[[Response], None], set[str]]:
    """Apply ``@produces`` to a finished response.

    A response without a media type gets ``produces`` (unless it has no body: 204/304, or
    ``MediaType.NO_CONTENT``, which is a marker, not a wire value). A response the handler gave
    another media type keeps it, and the app logs a warning, once per endpoint, as the seed says.
    Also returns the media types already seen to match: a response with one of them and no
    headers needs no check (the finisher tests that without a call).
    """
    declared = None if produces == MediaType.NO_CONTENT else produces
    expected = None if declared is None else declared.split(";", 1)[0].strip().lower()
    warned = False
    matching: set[str] = set()  # media_type values already seen to match (a handful)

    def check(response: Response) -> None:
        nonlocal warned
        actual = _sent_media_type(response)
        if actual is not None and actual == expected and not response.headers and response.media_type:
            matching.add(response.media_type)
        if actual is None:
            if declared is not None and response.status_code not in _BODYLESS_STATUSES:
                response.media_type = declared
            return
        if actual != expected and not warned:
            warned = True
            logger.warning(f"{name} is declared @produces({produces}) but responded with {actual}")

    return check, matching


def keeps_responses(spec: EndpointSpec, params: HandlerParams) -> bool:
    """True when the finisher returns a handler's Response untouched (no ``@produces``, no default
    status, no ``Response[Model]``)."""
    return spec.produces is None and spec.status_code is None and params.response_model is None


def finisher(logger: Logger, name: str, spec: EndpointSpec, params: HandlerParams) -> Finish:
    """Turn what the handler returned into the Response to send (``@produces``, ``Response[Model]``)."""
    check_produces, matching = (
        _produces_check(logger, name, spec.produces) if spec.produces is not None else (None, set())
    )
    default_status = spec.status_code
    model = params.response_model
    adapter: TypeAdapter[Any] | None = TypeAdapter(model) if model is not None else None
    model_class = model if isinstance(model, type) else None  # list[Note] cannot be isinstance-checked

    def finish(req: Request, result: object) -> Response:
        if isinstance(result, Response):
            response = result
        elif result is None:
            response = req.response
        else:
            response = req.response.json(result)
        # "Did not set": still 200 and never given one through .status() (no_content() and
        # redirect() set theirs); an explicit .status(200) is kept.
        if default_status is not None and response.status_code == 200 and not response._status_set:
            response.status_code = default_status
        # PERF: the usual case (a media type seen to match, no headers) costs no call
        if check_produces is not None and (response.headers or response.media_type not in matching):
            check_produces(response)
        if adapter is not None and response.has_json and response.status_code < 400:
            data = response.json_data
            if model_class is None or not isinstance(data, model_class):
                data = adapter.validate_python(data, from_attributes=True)
            response.set_json_body(adapter.dump_json(data))
        return response

    return finish
