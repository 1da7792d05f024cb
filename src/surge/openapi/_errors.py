"""The error responses of an operation, declared from what the compiler knows about the endpoint.

A client reading the document must find every status the app can answer: a body to read means
400 (malformed), 413 (over ``MAX_CONTENT_LENGTH``), 415 (another media type) and 422 (invalid);
path values mean 404 (a value the route converter refuses); ``@login_required`` means 401 and
roles 403; steps and extensions that answer errors of their own (rate limits: 429, databases:
409/503, ...) say so through :class:`~surge.openapi.roles.ErrorResponsesProvider`. Every one of
them is documented with the one error shape the framework sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from surge.controller.params import HandlerParams
from surge.controller.spec import EndpointInfo
from surge.http.media_types import MediaType
from surge.openapi.roles import ErrorResponsesProvider

if TYPE_CHECKING:
    from surge.routing.router import Route

__all__ = ["ERROR_SCHEMA", "VALIDATION_ERROR_SCHEMA", "add_error_responses", "error_statuses"]

_JSON = MediaType.APPLICATION_JSON.value
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ErrorResponse",
    "description": 'The one error body: {"status": "error", "message": ...}, with "data" or "errors" when there are details.',
    "properties": {
        "status": {"type": "string"},
        "message": {"type": "string"},
        "data": {},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["status", "message"],
}

VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ValidationErrorResponse",
    "description": "422: the one error body, listing each invalid field in errors (or data).",
    "properties": {
        "status": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": "Where the value came from (path, query, header, cookie or body), then the field",
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg", "type"],
            },
        },
        "data": {},
    },
    "required": ["status", "message"],
}


def _reads_body(method: str, info: EndpointInfo, params: HandlerParams) -> bool:
    if params.body is not None or params.files:
        return True
    consumes = info.spec.consumes
    return method in _BODY_METHODS and consumes is not None and consumes != MediaType.NO_CONTENT.value


def _provided(steps: Iterable[object], method: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for step in steps:
        if isinstance(step, ErrorResponsesProvider):
            for status, description in step.openapi_responses(method).items():
                found.setdefault(int(status), description)
    return found


def error_statuses(
    route: Route, info: EndpointInfo, params: HandlerParams, *, validated: bool, extensions: Iterable[object]
) -> dict[int, str]:
    """Status -> description of every error the framework (or a step of the endpoint) may answer."""
    method = route.method
    statuses: dict[int, str] = {}
    if route.rule.params:
        statuses[404] = "Not found (including a path value of the wrong type)"
    if _reads_body(method, info, params):
        statuses[400] = "Malformed body"
        statuses[413] = "Body larger than MAX_CONTENT_LENGTH"
        statuses[415] = "Body of an unsupported media type"
        statuses[422] = "Validation error"
    if validated or (route.rule.params and params.route):
        statuses[422] = "Validation error"
    spec, cspec = info.spec, info.controller_spec
    if spec.extra.get("login_required") or cspec.extra.get("login_required"):
        statuses[401] = "Authentication required"
    if spec.extra.get("roles") or cspec.extra.get("roles"):
        statuses[403] = "Missing required role"
    for status, description in _provided([*spec.wrappers, *extensions], method).items():
        statuses.setdefault(status, description)
    return statuses


def _json_schema(response: Mapping[str, Any]) -> dict[str, Any] | None:
    media = response.get("content", {}).get(_JSON)
    return media.get("schema") if isinstance(media, dict) else None


def _with(schema: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """``schema`` widened to also accept ``own`` (the framework's body for the same status)."""
    if schema == own or own in schema.get("anyOf", []):
        return schema
    return {"anyOf": [schema, own]}


def add_error_responses(
    responses: dict[str, Any], statuses: Mapping[int, str], *, error_ref: str, validation_ref: str
) -> None:
    """Declare ``statuses`` in ``responses`` with the one error shape.

    A status the endpoint already documents with a body of its own keeps it, widened (``anyOf``)
    to the framework's body: the router, the body reader, the guards and the database errors
    answer before (or around) the endpoint's code, in the framework's shape. A documented error
    without a body (``Descriptor(status=409)``) gets the framework's. When the endpoint documents
    error bodies of its own (an extension's error shape), the new statuses accept those too.
    """
    declared: list[dict[str, Any]] = []
    for code, response in responses.items():
        schema = _json_schema(response) if code.isdigit() and int(code) >= 400 else None
        if schema is not None and schema not in declared:
            declared.append(schema)
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400 and not response.get("content"):
            response["content"] = {_JSON: {"schema": {"$ref": validation_ref if code == "422" else error_ref}}}
    for status in sorted(statuses):
        own = {"$ref": validation_ref if status == 422 else error_ref}
        existing = responses.get(str(status))
        if existing is None:
            others = [schema for schema in declared if schema != own]
            schema = {"anyOf": [own, *others]} if others else own
            responses[str(status)] = {"description": statuses[status], "content": {_JSON: {"schema": schema}}}
            continue
        current = _json_schema(existing)
        if current is not None:
            existing["content"][_JSON]["schema"] = _with(current, own)
