"""Marked parameters (``Query``, ``Header``, ``Cookie``, ``Path``, ``Body``, ``Form``, ``File``) and
the request body, placed once per endpoint at startup.

Each source gets one pydantic model (``Query_<endpoint>``, ``Header_<endpoint>``,
``Cookie_<endpoint>``, ``Body_<endpoint>``, ``Form_<endpoint>``) whose fields carry the
constraints and, as aliases, the names on the wire; the handler step validates a source with
one call.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter, create_model

from surge.annotations import is_list_type, strip_annotated, strip_optional
from surge.controller._codecs import body_validator, is_attrs, is_struct, pydantic_annotation
from surge.controller._int64 import bound_ints, is_plain_int
from surge.controller.params import FACTORY, BodyParam, HandlerParams
from surge.exceptions.config import ImproperlyConfigured
from surge.http.media_types import MediaType
from surge.http.uploads import UploadedFile
from surge.params import Body, Cookie, File, Form, Header, Param, Path, Query

__all__ = ["BodyField", "Endpoint", "add_bodies", "add_route", "place_marked", "source_model"]

_EMPTY = inspect.Parameter.empty
_FORM = MediaType.APPLICATION_X_WWW_FORM_URLENCODED.value
_MULTIPART = MediaType.MULTIPART_FORM_DATA.value


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What analysis knows about the endpoint besides the handler's signature."""

    where: str
    http_method: str
    route_params: dict[str, type]
    consumes: str | None
    provided: frozenset[str]
    claim: Any  # surge.controller._analysis.Claim | None


@dataclass(frozen=True, slots=True)
class BodyField:
    """A parameter read from the body (``marker`` None: a model-typed parameter with no marker)."""

    name: str
    annotation: Any
    default: Any
    marker: Param | None


def _bare(annotation: object) -> Any:
    return strip_optional(strip_annotated(annotation))


def add_route(plan: HandlerParams, name: str, annotation: Any, rule_type: type) -> None:
    """A route parameter; a converter when the handler's annotation differs from the rule's type."""
    plan.route[name] = annotation
    if rule_type is int and (annotation is Any or is_plain_int(annotation)):
        return  # the 64-bit range check of route ints (see _check_route_ints)
    bare = _bare(annotation)
    if bare is not Any and (bare is not rule_type or annotation is not bare):
        plan.route_converters[name] = TypeAdapter(bound_ints(annotation))


def _model_field(annotation: Any, default: Any, marker: Param | None, wire: str) -> tuple[Any, Any]:
    """A ``create_model`` field: the annotation, and a ``Field`` with the default and the wire name."""
    options: dict[str, Any] = {"alias": wire} if wire else {}
    if default is FACTORY and marker is not None and marker.default_factory is not None:
        return annotation, Field(default_factory=marker.default_factory, **options)
    return annotation, Field(... if default is _EMPTY else default, **options)


def source_model(plan: HandlerParams, kind: str, where: str, params: dict[str, tuple[Any, Any]]) -> type[BaseModel]:
    """The model validating one source (``kind``: Query, Header, Cookie) of ``plan``."""
    fields = {
        name: _model_field(bound_ints(annotation), default, plan.markers.get(name), plan.wire.get(name, name))
        for name, (annotation, default) in params.items()
    }
    model: type[BaseModel] = create_model(f"{kind}_{where.replace('.', '_')}", **fields)  # type: ignore[call-overload]
    return model


def _check_file(where: str, name: str, annotation: Any) -> None:
    bare = _bare(annotation)
    if bare in (UploadedFile, bytes) or (is_list_type(bare) and _bare(bare.__args__[0]) in (UploadedFile, bytes)):
        return
    raise ImproperlyConfigured(
        f"{where}: File() parameter {name!r} must be UploadedFile, bytes or a list of them, not {annotation!r}"
    )


def place_marked(
    plan: HandlerParams, endpoint: Endpoint, bodies: list[BodyField], name: str, annotation: Any, default: Any, marker: Param
) -> None:
    """Place a parameter that carries a ``surge.params`` marker."""
    wire = marker.wire_name(name)
    if wire != name:
        plan.wire[name] = wire
    plan.markers[name] = marker
    if default is _EMPTY and marker.default_factory is not None:
        default = FACTORY
    constrained = marker.annotate(annotation)
    if isinstance(marker, Path):
        rule_type = endpoint.route_params.get(wire)
        if rule_type is None:
            raise ImproperlyConfigured(f"{endpoint.where}: Path() parameter {wire!r} is not in the route rule")
        add_route(plan, name, constrained, rule_type)
    elif isinstance(marker, Header):
        plan.headers[name] = (constrained, default)
    elif isinstance(marker, Cookie):
        plan.cookies[name] = (constrained, default)
    elif isinstance(marker, File):
        _check_file(endpoint.where, name, annotation)
        plan.files[name] = (annotation, default)
    elif isinstance(marker, (Body, Form)):
        bodies.append(BodyField(name, constrained, default, marker))
    elif isinstance(marker, Query):
        plan.query[name] = (constrained, default)
    else:  # a user's subclass of Param names no source we know
        raise ImproperlyConfigured(f"{endpoint.where}: parameter {name!r}: unknown source {marker!r}")


def _when_empty(default: Any, marker: Param | None) -> Any:
    if default is FACTORY and marker is not None:
        return marker.default_factory
    if default is _EMPTY:
        return None
    return lambda: default


def _list_fields(annotation: Any) -> frozenset[str]:
    bare = _bare(annotation)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return frozenset(
            (info.alias or key) for key, info in bare.model_fields.items() if is_list_type(info.annotation)
        )
    return frozenset()


def _embedded(plan: HandlerParams, endpoint: Endpoint, kind: str, bodies: list[BodyField], media: str) -> BodyParam:
    """One model whose fields are the body parameters, keyed by their wire names."""
    fields: dict[str, Any] = {}
    for body in bodies:
        wire = plan.wire.get(body.name, body.name)
        if is_struct(_bare(body.annotation)):
            raise ImproperlyConfigured(
                f"{endpoint.where}: msgspec Struct {body.name!r} cannot be one of several body keys; "
                "make it the only body parameter"
            )
        fields[body.name] = _model_field(pydantic_annotation(body.annotation), body.default, body.marker, wire)
    model: type[BaseModel] = create_model(f"{kind}_{endpoint.where.replace('.', '_')}", **fields)
    validator = body_validator(model)
    optional = all(body.default is not _EMPTY for body in bodies)
    list_wires = frozenset(plan.wire.get(b.name, b.name) for b in bodies if is_list_type(b.annotation))
    return BodyParam(
        "",
        model,
        media,
        validator,
        list_wires,
        endpoint.consumes is not None,
        tuple(body.name for body in bodies),
        (lambda: validator.validate_python({})) if optional else None,
    )


def _single(endpoint: Endpoint, body: BodyField, media: str) -> BodyParam:
    validator = body_validator(body.annotation)
    annotation = body.annotation if is_struct(_bare(body.annotation)) else pydantic_annotation(body.annotation)
    list_fields = _list_fields(body.annotation)
    if is_attrs(_bare(body.annotation)):
        list_fields = _list_fields(strip_annotated(strip_optional(annotation)))
    declared = endpoint.consumes is not None
    when_empty = _when_empty(body.default, body.marker)
    return BodyParam(body.name, annotation, media, validator, list_fields, declared, (), when_empty)


def _is_form_model(annotation: Any) -> bool:
    bare = _bare(annotation)
    return isinstance(bare, type) and (
        issubclass(bare, BaseModel) or hasattr(bare, "__dataclass_fields__") or is_attrs(bare) or is_struct(bare)
    )


def add_bodies(plan: HandlerParams, endpoint: Endpoint, bodies: list[BodyField]) -> None:
    """Decide the body of the endpoint from its body parameters.

    One unmarked or ``Body()`` parameter is the whole body; ``Body(embed=True)`` or several
    ``Body`` parameters are keys of it; ``Form()`` parameters are form fields (a model
    annotated ``Form()`` is the whole form).

    Raises:
        ImproperlyConfigured: two unmarked body parameters, or form fields beside a JSON body.
    """
    if not bodies:
        return
    forms = [body for body in bodies if isinstance(body.marker, Form)]
    if forms and len(forms) != len(bodies):
        names = ", ".join(repr(body.name) for body in bodies)
        raise ImproperlyConfigured(f"{endpoint.where}: form fields and a JSON body in one request ({names})")
    if forms:
        media = endpoint.consumes or (_MULTIPART if plan.files else _FORM)
        if len(forms) == 1 and _is_form_model(forms[0].annotation) and forms[0].name not in plan.wire:
            plan.body = _single(endpoint, forms[0], media)
        else:
            plan.body = _embedded(plan, endpoint, "Form", forms, media)
        return
    first = bodies[0]
    media = endpoint.consumes or (
        first.marker.media_type if isinstance(first.marker, Body) else MediaType.APPLICATION_JSON.value
    )
    if len(bodies) == 1 and not (isinstance(first.marker, Body) and first.marker.embed):
        plan.body = _single(endpoint, first, media)
    elif all(body.marker is None for body in bodies):
        raise ImproperlyConfigured(
            f"{endpoint.where}: two body parameters ({bodies[0].name!r} and {bodies[1].name!r}); a request has one body"
        )
    else:
        plan.body = _embedded(plan, endpoint, "Body", bodies, media)
