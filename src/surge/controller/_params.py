"""Handler signature analysis, done once per endpoint at startup.

Decides where each handler parameter comes from (route, query, body, uploaded file, an
extension, or a dependency provider) and builds the validators for it.
"""

from __future__ import annotations

import inspect
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, TypeAdapter, create_model

from surge.exceptions.config import ImproperlyConfigured
from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response
from surge.http.uploads import UploadedFile

__all__ = ["BodyParam", "HandlerParams", "analyze_handler", "is_list_type", "response_model_of"]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(slots=True)
class BodyParam:
    """The parameter that receives the parsed, validated request body."""

    name: str
    annotation: Any
    media_type: str
    adapter: TypeAdapter[Any]
    list_fields: frozenset[str] = frozenset()


@dataclass(slots=True)
class HandlerParams:
    """Where every parameter of one handler comes from."""

    request_name: str | None = None
    route: dict[str, Any] = field(default_factory=dict)  # name -> annotation
    route_converters: dict[str, TypeAdapter[Any]] = field(default_factory=dict)
    query: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (annotation, default)
    query_model: type[BaseModel] | None = None
    query_lists: frozenset[str] = frozenset()
    body: BodyParam | None = None
    files: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (annotation, default)
    injected: dict[str, Any] = field(default_factory=dict)  # name -> resolver (dependency injection)
    injector: Any = None  # the endpoint's dependency step (surge.di Injector), set by the app at compile
    provided: frozenset[str] = frozenset()
    response_model: Any = None
    signature: inspect.Signature | None = None


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _strip_annotated(annotation: Any) -> Any:
    if get_origin(annotation) is typing.Annotated:
        return get_args(annotation)[0]
    return annotation


def is_list_type(annotation: Any) -> bool:
    """True for ``list[X]``, ``set[X]``, ``tuple[X, ...]`` (optionally Optional or Annotated)."""
    annotation = _strip_optional(_strip_annotated(annotation))
    return get_origin(annotation) in (list, set, frozenset, tuple) or annotation in (list, set, tuple)


def _is_upload(annotation: Any) -> bool:
    annotation = _strip_optional(_strip_annotated(annotation))
    if annotation is UploadedFile:
        return True
    return get_origin(annotation) is list and get_args(annotation)[:1] == (UploadedFile,)


def _is_body_type(annotation: Any) -> bool:
    annotation = _strip_optional(_strip_annotated(annotation))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return True
        if hasattr(annotation, "__dataclass_fields__") or typing.is_typeddict(annotation):
            return True
    return False


_JSON_TYPES = frozenset({MediaType.APPLICATION_JSON.value, MediaType.APPLICATION_PROBLEM_JSON.value})
_FORM_TYPES = frozenset({MediaType.APPLICATION_X_WWW_FORM_URLENCODED.value, MediaType.MULTIPART_FORM_DATA.value})


def _is_raw_body(bare: Any, consumes: str | None) -> bool:
    """A dict/list parameter of a JSON endpoint, or str/bytes of a text or binary endpoint."""
    if consumes is None or consumes == MediaType.NO_CONTENT:
        return False
    if consumes in _JSON_TYPES:
        return bare in (dict, list) or get_origin(bare) in (dict, list)
    return consumes not in _FORM_TYPES and bare in (str, bytes)


def response_model_of(return_annotation: Any) -> Any:
    """``Model`` for a ``Response[Model]`` return annotation, else None."""
    if get_origin(return_annotation) is not None:
        origin = get_origin(return_annotation)
        if isinstance(origin, type) and issubclass(origin, Response):
            args = get_args(return_annotation)
            return args[0] if args and args[0] is not Any else None
    return None


def analyze_handler(
    func: Any,
    *,
    where: str,
    http_method: str,
    route_params: dict[str, Any],
    consumes: str | None,
    provided: frozenset[str],
    dependency_planner: Any = None,
) -> HandlerParams:
    """Decide the source of each parameter of ``func`` (a method: ``self`` is skipped).

    Args:
        where: ``"Controller.method"`` for error messages.
        route_params: rule parameter name -> its converter's python type.
        provided: names injected by extension wrappers.
        dependency_planner: resolves dependency-injected parameters (or None).

    Raises:
        ImproperlyConfigured: a parameter cannot be sourced, or two body parameters.
    """
    try:
        hints = get_type_hints(func, include_extras=True)
    except Exception as exc:
        raise ImproperlyConfigured(f"{where}: cannot resolve type hints: {exc}") from exc
    signature = inspect.signature(func)
    plan = HandlerParams(provided=provided, signature=signature)
    plan.response_model = response_model_of(hints.get("return"))
    parameters = list(signature.parameters.values())[1:]  # skip self
    for index, param in enumerate(parameters):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        name = param.name
        annotation = hints.get(name, Any)
        default = param.default
        bare = _strip_optional(_strip_annotated(annotation))
        if index == 0 and (bare is Any or (isinstance(bare, type) and issubclass(bare, Request))):
            plan.request_name = name
            continue
        if isinstance(bare, type) and issubclass(bare, Request):
            plan.request_name = name
            continue
        if name in provided:
            continue
        if dependency_planner is not None:
            resolver = dependency_planner(name, annotation, default, where)
            if resolver is not None:
                plan.injected[name] = resolver
                continue
        if name in route_params:
            plan.route[name] = annotation
            rule_type = route_params[name]
            if bare is not Any and bare is not rule_type:
                plan.route_converters[name] = TypeAdapter(annotation)
            continue
        if _is_upload(annotation):
            plan.files[name] = (annotation, default)
            continue
        body_media = consumes
        wants_body = _is_body_type(annotation) or (
            plan.body is None and default is inspect.Parameter.empty and _is_raw_body(bare, consumes)
        )
        if wants_body and (consumes is not None or http_method in _BODY_METHODS):
            if plan.body is not None:
                raise ImproperlyConfigured(
                    f"{where}: two body parameters ({plan.body.name!r} and {name!r}); a request has one body"
                )
            if body_media is None:
                body_media = MediaType.APPLICATION_JSON.value
            list_fields: frozenset[str] = frozenset()
            if isinstance(bare, type) and issubclass(bare, BaseModel):
                list_fields = frozenset(
                    key for key, info in bare.model_fields.items() if is_list_type(info.annotation)
                )
            plan.body = BodyParam(name, annotation, body_media, TypeAdapter(annotation), list_fields)
            continue
        plan.query[name] = (annotation, default)
    if plan.query:
        fields: dict[str, Any] = {}
        for name, (annotation, default) in plan.query.items():
            fields[name] = (annotation, ... if default is inspect.Parameter.empty else default)
        plan.query_model = create_model(f"Query_{where.replace('.', '_')}", **fields)
        plan.query_lists = frozenset(name for name, (ann, _) in plan.query.items() if is_list_type(ann))
    return plan
