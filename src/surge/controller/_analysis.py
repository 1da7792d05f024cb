"""Handler signature analysis, done once per endpoint at startup.

Decides where each handler parameter comes from (the request, route, query, body, uploaded
file, an extension, or a dependency provider) and builds the validators for it.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel, TypeAdapter, create_model

from surge.annotations import is_list_type, strip_annotated, strip_optional
from surge.controller._int64 import bound_ints, is_plain_int
from surge.controller.params import BodyParam, HandlerParams
from surge.exceptions.config import ImproperlyConfigured
from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response
from surge.http.uploads import UploadedFile

if TYPE_CHECKING:
    from surge.di.analysis import ParamSpec

__all__ = ["Claim", "analyze_handler", "response_model_of"]

Claim = Callable[[str, Any, Any], "ParamSpec | None"]
"""Claims a handler parameter for dependency injection: (name, annotation, default) -> spec or None."""

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "WEBSOCKET"})
_JSON_TYPES = frozenset({MediaType.APPLICATION_JSON.value, MediaType.APPLICATION_PROBLEM_JSON.value})
_FORM_TYPES = frozenset({MediaType.APPLICATION_X_WWW_FORM_URLENCODED.value, MediaType.MULTIPART_FORM_DATA.value})
_EMPTY = inspect.Parameter.empty


def _bare(annotation: object) -> Any:
    return strip_optional(strip_annotated(annotation))


def _is_upload(annotation: object) -> bool:
    annotation = _bare(annotation)
    if annotation is UploadedFile:
        return True
    return get_origin(annotation) is list and get_args(annotation)[:1] == (UploadedFile,)


def _is_body_type(annotation: object) -> bool:
    annotation = _bare(annotation)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return True
        if hasattr(annotation, "__dataclass_fields__") or typing.is_typeddict(annotation):
            return True
    return False


def _is_raw_body(bare: object, consumes: str | None) -> bool:
    """A dict/list parameter of a JSON endpoint, or str/bytes of a text or binary endpoint."""
    if consumes is None or consumes == MediaType.NO_CONTENT:
        return False
    if consumes in _JSON_TYPES:
        return bare in (dict, list) or get_origin(bare) in (dict, list)
    return consumes not in _FORM_TYPES and bare in (str, bytes)


def _is_request(index: int, bare: object) -> bool:
    """A Request-typed parameter, or an unannotated first one (the seed's ``def h(self, req)``)."""
    if isinstance(bare, type) and issubclass(bare, Request):
        return True
    return index == 0 and bare is Any


def response_model_of(return_annotation: object) -> Any:
    """``Model`` for a ``Response[Model]`` return annotation, else None."""
    origin = get_origin(return_annotation)
    if isinstance(origin, type) and issubclass(origin, Response):
        args = get_args(return_annotation)
        return args[0] if args and args[0] is not Any else None
    return None


@dataclass(frozen=True, slots=True)
class _Endpoint:
    """What analysis knows about the endpoint besides the handler's signature."""

    where: str
    http_method: str
    route_params: dict[str, type]
    consumes: str | None
    provided: frozenset[str]
    claim: Claim | None


def _add_route(plan: HandlerParams, name: str, annotation: Any, rule_type: type) -> None:
    plan.route[name] = annotation
    if rule_type is int and (annotation is Any or is_plain_int(annotation)):
        return  # the 64-bit range check of route ints (see _check_route_ints)
    bare = _bare(annotation)
    if bare is not Any and (bare is not rule_type or annotation is not bare):
        plan.route_converters[name] = TypeAdapter(bound_ints(annotation))


def _check_route_ints(plan: HandlerParams, route_params: dict[str, type]) -> None:
    """``int`` route values the handler's own annotation does not validate: check them to 64 bits."""
    plan.route_int64 = tuple(
        name for name, rule_type in route_params.items() if rule_type is int and name not in plan.route_converters
    )


def _add_body(plan: HandlerParams, endpoint: _Endpoint, name: str, annotation: Any) -> None:
    if plan.body is not None:
        raise ImproperlyConfigured(
            f"{endpoint.where}: two body parameters ({plan.body.name!r} and {name!r}); a request has one body"
        )
    media = endpoint.consumes if endpoint.consumes is not None else MediaType.APPLICATION_JSON.value
    bare = _bare(annotation)
    list_fields: frozenset[str] = frozenset()
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        list_fields = frozenset(key for key, info in bare.model_fields.items() if is_list_type(info.annotation))
    declared = endpoint.consumes is not None
    plan.body = BodyParam(name, annotation, media, TypeAdapter(annotation), list_fields, declared)


def _wants_body(plan: HandlerParams, endpoint: _Endpoint, annotation: object, default: object) -> bool:
    consumes = endpoint.consumes
    wants = _is_body_type(annotation) or (
        plan.body is None and default is _EMPTY and _is_raw_body(_bare(annotation), consumes)
    )
    return wants and (consumes is not None or endpoint.http_method in _BODY_METHODS)


def _place(plan: HandlerParams, endpoint: _Endpoint, name: str, annotation: Any, default: object) -> None:
    """Decide the source of one (non-request) parameter."""
    if name in endpoint.provided:
        return
    if endpoint.claim is not None:
        claimed = endpoint.claim(name, annotation, default)
        if claimed is not None:
            plan.injected[name] = claimed
            return
    if name in endpoint.route_params:
        _add_route(plan, name, annotation, endpoint.route_params[name])
    elif _is_upload(annotation):
        plan.files[name] = (annotation, default)
    elif _wants_body(plan, endpoint, annotation, default):
        _add_body(plan, endpoint, name, annotation)
    else:
        plan.query[name] = (annotation, default)


def _query_model(plan: HandlerParams, where: str) -> None:
    fields: dict[str, Any] = {
        name: (bound_ints(annotation), ... if default is _EMPTY else default)
        for name, (annotation, default) in plan.query.items()
    }
    plan.query_model = create_model(f"Query_{where.replace('.', '_')}", **fields)
    plan.query_lists = frozenset(name for name, (ann, _) in plan.query.items() if is_list_type(ann))


def analyze_handler(
    func: Callable[..., Any],
    *,
    where: str,
    http_method: str,
    route_params: dict[str, type],
    consumes: str | None,
    provided: frozenset[str],
    claim: Claim | None = None,
) -> HandlerParams:
    """Decide the source of each parameter of ``func`` (a method: ``self`` is skipped).

    Args:
        where: ``"Controller.method"`` for error messages.
        route_params: rule parameter name -> its converter's python type.
        provided: names injected by extension steps.
        claim: claims dependency-injected parameters (the app's dependency registry), or None.

    Raises:
        ImproperlyConfigured: a parameter cannot be sourced, or two body parameters.
    """
    try:
        hints = get_type_hints(func, include_extras=True)
    except Exception as exc:
        raise ImproperlyConfigured(f"{where}: cannot resolve type hints: {exc}") from exc
    endpoint = _Endpoint(where, http_method, route_params, consumes, provided, claim)
    plan = HandlerParams(provided=provided, response_model=response_model_of(hints.get("return")))
    parameters = list(inspect.signature(func).parameters.values())[1:]  # skip self
    for index, param in enumerate(parameters):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = hints.get(param.name, Any)
        if _is_request(index, _bare(annotation)):
            plan.request_name = param.name
            plan.request_first = index == 0
        else:
            _place(plan, endpoint, param.name, annotation, param.default)
    if plan.query:
        _query_model(plan, where)
    _check_route_ints(plan, route_params)
    if plan.body is None and consumes not in (None, MediaType.NO_CONTENT) and http_method not in _BODYLESS_METHODS:
        plan.required_media = consumes
    return plan
