"""Where each parameter of one handler comes from, as decided at startup.

The endpoint compiler fills :class:`HandlerParams` once per endpoint; the pipeline executes
it per request, and the OpenAPI generator reads it to describe the endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, TypeAdapter

if TYPE_CHECKING:
    from surge.di.analysis import ParamSpec
    from surge.di.injector import Injector
    from surge.params import Param

__all__ = ["BodyParam", "BodyValidator", "FACTORY", "HandlerParams"]


class _Factory:
    """The default of a parameter whose marker gives a ``default_factory`` (so: not required)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FACTORY"


FACTORY: Any = _Factory()


class BodyValidator(Protocol):
    """Validates a body: a pydantic ``TypeAdapter``, or the msgspec codec of a ``Struct`` body."""

    def validate_json(self, data: bytes, /) -> Any: ...

    def validate_python(self, data: Any, /) -> Any: ...


@dataclass(slots=True)
class BodyParam:
    """The parameter that receives the parsed, validated request body.

    ``declared``: ``@consumes`` named the media type, so a request must send that Content-Type.
    ``embedded``: the handler parameters that are keys of the body (``Body(embed=True)``,
    several ``Body`` parameters, ``Form`` fields), read from the validated model by name.
    ``when_empty``: makes the value of an empty body (None: the body is required).
    """

    name: str
    annotation: Any
    media_type: str
    adapter: BodyValidator
    list_fields: frozenset[str] = frozenset()
    declared: bool = False
    embedded: tuple[str, ...] = ()
    when_empty: Callable[[], Any] | None = None


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
        headers, cookies: header and cookie parameters, the same way (``header_model``, ``cookie_model``).
        wire: parameters whose name on the wire differs from the handler's (alias, header name).
        markers: the ``surge.params`` marker of each parameter that has one (for OpenAPI).
        body: the body parameter, if any.
        files: uploaded-file parameters (name -> (annotation, default)).
        background: the parameter that receives the request's ``BackgroundTasks``.
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
    headers: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    header_model: type[BaseModel] | None = None
    cookies: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    cookie_model: type[BaseModel] | None = None
    wire: dict[str, str] = field(default_factory=dict)
    markers: dict[str, Param] = field(default_factory=dict)
    background: str | None = None
    body: BodyParam | None = None
    files: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    injected: dict[str, ParamSpec] = field(default_factory=dict)
    injector: Injector | None = None
    provided: frozenset[str] = frozenset()
    response_model: Any = None
    required_media: str | None = None

