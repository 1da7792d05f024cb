"""Request body readers: one per body parameter, chosen at startup by its media type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from surge._located import locate
from surge.annotations import strip_annotated, strip_optional
from surge.controller.params import BodyParam
from surge.exceptions.http import BadRequest, UnsupportedMediaType
from surge.http.media_types import MediaType
from surge.http.request import Request

__all__ = ["BodyReader", "body_reader", "media_check"]

BodyReader = Callable[[Request], Awaitable[Any]]
"""Reads, parses and validates the body of a request."""

_JSON_TYPES = frozenset({"application/json", "application/problem+json"})
_FORM_TYPES = (MediaType.APPLICATION_X_WWW_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA)


def _media_matches(expected: str, actual: str) -> bool:
    if actual == expected:
        return True
    if expected in _JSON_TYPES:
        return actual in _JSON_TYPES or (actual.startswith("application/") and actual.endswith("+json"))
    if expected in _FORM_TYPES:
        return actual in _FORM_TYPES
    return False


def _announces_body(req: Request) -> bool:
    length = req.header(b"content-length")
    return (length is not None and length.strip() != "0") or req.header(b"transfer-encoding") is not None


def media_check(media: str, *, required: bool) -> Callable[[Request], None]:
    """The Content-Type check of an endpoint that consumes ``media`` (415 on a mismatch).

    ``required``: a body sent without a Content-Type is refused too (``@consumes`` declared
    it); a request that announces no body (no ``Content-Length``, or 0, and no
    ``Transfer-Encoding``) passes, so an empty POST is the 422 of a missing body. Otherwise (a
    body parameter with no ``@consumes``) a missing header is taken as ``media``.
    """

    def check(req: Request) -> None:
        content_type = req.content_type
        if content_type:
            if not _media_matches(media, content_type):
                raise UnsupportedMediaType(f"Expected Content-Type {media}, got {content_type}")
        elif required and _announces_body(req):
            raise UnsupportedMediaType(f"Expected Content-Type {media}, got none")

    return check


def _json_reader(body: BodyParam) -> BodyReader:
    adapter = body.adapter
    check = media_check(body.media_type, required=body.declared)
    title = getattr(body.annotation, "__name__", body.name)
    when_empty = body.when_empty

    async def read_json(req: Request) -> Any:
        check(req)
        raw = await req.body()
        if not raw:
            if when_empty is not None:
                return when_empty()
            # A ValidationError, like any other invalid body: the seed's @handles(ValidationError)
            # handlers see missing data too.
            raise ValidationError.from_exception_data(title, [{"type": "missing", "loc": ("body",), "input": None}])
        try:
            return adapter.validate_json(raw)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                if error["type"] == "json_invalid":
                    raise BadRequest(f"Malformed JSON body: {error['msg']}") from None
            locate(req.scope, exc, "body")
            raise

    return read_json


def _form_reader(body: BodyParam) -> BodyReader:
    adapter = body.adapter
    check = media_check(body.media_type, required=True)
    list_fields = body.list_fields
    when_empty = body.when_empty

    async def read_form(req: Request) -> Any:
        check(req)
        form = await req.form()
        if not form and when_empty is not None and not body.embedded:
            return when_empty()
        data = {key: (form.getlist(key) if key in list_fields else value) for key, value in form.items()}
        try:
            return adapter.validate_python(data)
        except ValidationError as exc:
            locate(req.scope, exc, "body")
            raise

    return read_form


def _raw_reader(body: BodyParam) -> BodyReader:
    adapter = body.adapter
    check = media_check(body.media_type, required=body.declared)
    as_text = strip_optional(strip_annotated(body.annotation)) is str  # raw bodies are str or bytes parameters

    async def read_raw(req: Request) -> Any:
        check(req)
        raw = await req.body()
        try:
            return adapter.validate_python(raw.decode("utf-8") if as_text else raw)
        except ValidationError as exc:
            locate(req.scope, exc, "body")
            raise

    return read_raw


def body_reader(body: BodyParam) -> BodyReader:
    """The coroutine function that reads, parses and validates the body for ``body``."""
    if body.media_type in _JSON_TYPES:
        return _json_reader(body)
    if body.media_type in _FORM_TYPES:
        return _form_reader(body)
    return _raw_reader(body)
