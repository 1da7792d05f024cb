"""Handler signature analysis, done once per endpoint at startup.

Decides where each handler parameter comes from (the request, route, query, body, uploaded
file, an extension, or a dependency provider) and builds the validators for it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from surge.annotations import is_list_type, strip_annotated, strip_optional
from surge.background import BackgroundTasks
from surge.controller._codecs import is_attrs, is_struct
from surge.controller._sources import BodyField, Endpoint, add_bodies, add_route, place_marked, source_model
from surge.controller._typeddicts import is_typeddict, readable_typeddicts
from surge.controller.params import HandlerParams
from surge.exceptions.config import ImproperlyConfigured
from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response
from surge.http.uploads import UploadedFile
from surge.params import split_marker

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
        if hasattr(annotation, "__dataclass_fields__") or is_typeddict(annotation):
            return True
        if is_attrs(annotation) or is_struct(annotation):
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


def _check_route_ints(plan: HandlerParams, route_params: dict[str, type]) -> None:
    """``int`` route values the handler's own annotation does not validate: check them to 64 bits."""
    converted = {plan.wire.get(name, name) for name in plan.route_converters}
    plan.route_int64 = tuple(
        name for name, rule_type in route_params.items() if rule_type is int and name not in converted
    )


def _wants_body(bodies: list[BodyField], endpoint: Endpoint, annotation: object, default: object) -> bool:
    consumes = endpoint.consumes
    wants = _is_body_type(annotation) or (
        not bodies and default is _EMPTY and _is_raw_body(_bare(annotation), consumes)
    )
    return wants and (consumes is not None or endpoint.http_method in _BODY_METHODS)


def _place(
    plan: HandlerParams, endpoint: Endpoint, bodies: list[BodyField], name: str, annotation: Any, default: object
) -> None:
    """Decide the source of one (non-request) parameter."""
    if name in endpoint.provided:
        return
    try:
        marker, annotation, default = split_marker(annotation, default, _EMPTY)
    except TypeError as exc:
        raise ImproperlyConfigured(f"{endpoint.where}: parameter {name!r}: {exc}") from None
    if marker is not None:
        place_marked(plan, endpoint, bodies, name, annotation, default, marker)
        return
    if _bare(annotation) is BackgroundTasks:
        plan.background = name
        return
    if endpoint.claim is not None:
        claimed = endpoint.claim(name, annotation, default)
        if claimed is not None:
            plan.injected[name] = claimed
            return
    if name in endpoint.route_params:
        add_route(plan, name, annotation, endpoint.route_params[name])
    elif _is_upload(annotation):
        plan.files[name] = (annotation, default)
    elif _wants_body(bodies, endpoint, annotation, default):
        bodies.append(BodyField(name, readable_typeddicts(annotation), default, None))
    else:
        plan.query[name] = (annotation, default)


def _request_models(plan: HandlerParams, where: str) -> None:
    if plan.query:
        plan.query_model = source_model(plan, "Query", where, plan.query)
        plan.query_lists = frozenset(name for name, (ann, _) in plan.query.items() if is_list_type(ann))
    if plan.headers:
        plan.header_model = source_model(plan, "Header", where, plan.headers)
    if plan.cookies:
        plan.cookie_model = source_model(plan, "Cookie", where, plan.cookies)


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
        ImproperlyConfigured: a parameter cannot be sourced, or two body parameters, or a
            marker that does not fit (a ``Path()`` not in the rule, ``File()`` on a non-file).
    """
    try:
        hints = get_type_hints(func, include_extras=True)
    except Exception as exc:
        raise ImproperlyConfigured(f"{where}: cannot resolve type hints: {exc}") from exc
    endpoint = Endpoint(where, http_method, route_params, consumes, provided, claim)
    bodies: list[BodyField] = []
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
            _place(plan, endpoint, bodies, param.name, annotation, param.default)
    add_bodies(plan, endpoint, bodies)
    _request_models(plan, where)
    _check_route_ints(plan, route_params)
    if plan.body is None and consumes not in (None, MediaType.NO_CONTENT) and http_method not in _BODYLESS_METHODS:
        plan.required_media = consumes
    return plan
