"""Where each parameter of one handler comes from, as decided at startup.

The endpoint compiler fills :class:`HandlerParams` once per endpoint; the pipeline executes
it per request, and the OpenAPI generator reads it to describe the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter

if TYPE_CHECKING:
    from surge.di.analysis import ParamSpec
    from surge.di.injector import Injector

__all__ = ["BodyParam", "HandlerParams"]


@dataclass(slots=True)
class BodyParam:
    """The parameter that receives the parsed, validated request body.

    ``declared``: ``@consumes`` named the media type, so a request must send that Content-Type.
    """

    name: str
    annotation: Any
    media_type: str
    adapter: TypeAdapter[Any]
    list_fields: frozenset[str] = frozenset()
    declared: bool = False


@dataclass(slots=True)
class HandlerParams:
    """Where every parameter of one handler comes from.

    Attributes:
        request_name: the parameter that receives the Request (None: the handler takes none).
        request_first: that parameter comes first, so the handler gets the Request by position.
        route: route parameters taken by the handler (name -> annotation).
        route_converters: those whose annotation differs from the rule's converter type.
        route_int64: ``int`` route values checked to 64 bits (those no route converter validates).
        query: query parameters (name -> (annotation, default)), validated by ``query_model``.
        body: the body parameter, if any.
        files: uploaded-file parameters (name -> (annotation, default)).
        injected: dependency-injected parameters (name -> their spec, planned by ``surge.di``).
        injector: the endpoint's dependency step (set when the endpoint is compiled).
        provided: handler kwargs that extension steps inject.
        response_model: ``Model`` of a ``Response[Model]`` return annotation.
        required_media: the ``@consumes`` media type a request must send when no body
            parameter checks it (the handler reads the body itself, or only uploaded files).
    """

    request_name: str | None = None
    request_first: bool = False
    route: dict[str, Any] = field(default_factory=dict)
    route_converters: dict[str, TypeAdapter[Any]] = field(default_factory=dict)
    route_int64: tuple[str, ...] = ()
    query: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    query_model: type[BaseModel] | None = None
    query_lists: frozenset[str] = frozenset()
    body: BodyParam | None = None
    files: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    injected: dict[str, ParamSpec] = field(default_factory=dict)
    injector: Injector | None = None
    provided: frozenset[str] = frozenset()
    response_model: Any = None
    required_media: str | None = None

