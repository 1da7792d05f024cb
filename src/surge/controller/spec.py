"""Endpoint metadata attached by decorators, and the extension hooks into the pipeline.

Every endpoint decorator (``@get``, ``@consumes``, ``@cache.cache``, ``@auth.login_required``,
...) records what it means on the function's :class:`EndpointSpec` and returns the same
function, so decorators compose in any order and the handler's signature and docstring stay
intact for OpenAPI. The app compiles the spec into one pipeline per endpoint at startup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel

from surge.http.media_types import MediaType
from surge.http.status import HttpStatus
from surge.types import PipelineStep

if TYPE_CHECKING:
    from surge.controller.context import CompileContext
    from surge.controller.controller import Controller
    from surge.controller.params import HandlerParams
    from surge.http.request import Request

__all__ = [
    "CallNext",
    "ControllerSpec",
    "CorsSetting",
    "Descriptor",
    "EndpointInfo",
    "EndpointSpec",
    "EndpointWrapper",
    "Guard",
    "add_controller_guard",
    "add_endpoint_wrapper",
    "controller_spec",
    "endpoint_spec",
    "find_endpoint_spec",
]

CallNext = PipelineStep["Request"]
"""The rest of an endpoint pipeline: takes the request and the handler kwargs built so far."""

Guard = Callable[["Request"], Awaitable[None]]
"""A check run before the endpoint (and before ``@before_request``); raises to refuse."""


CorsSetting = dict[str, object] | Literal[False] | None
"""``None``: the app-wide policy; ``False``: CORS off (``@no_cors``); a dict: ``@cors(...)`` overrides."""


@dataclass(frozen=True, slots=True)
class Descriptor:
    """A documented extra response of an endpoint (for OpenAPI)."""

    status: int = HttpStatus.BAD_REQUEST
    description: str | None = None
    media_type: MediaType | str = MediaType.APPLICATION_JSON
    body: type[BaseModel] | None = None



class EndpointWrapper(Protocol):
    """A pipeline step that an extension decorator attaches to an endpoint.

    ``provides`` names the handler keyword arguments the step injects (e.g. the SQL session),
    so the compiler does not treat them as query parameters. ``wrap`` is called once, at
    startup, with the compile context (config, logger, extensions, error responder) and the
    rest of the pipeline, and returns the step's callable. For HTTP endpoints ``call_next``
    resolves to the finished Response (the handler's return value already turned into one,
    ``Response[Model]`` filtering applied), and the step must resolve to a Response too.
    Decorators listed higher on the function wrap the ones below them.
    """

    @property
    def provides(self) -> tuple[str, ...]: ...

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext: ...


@dataclass(slots=True)
class EndpointSpec:
    """What the decorators of one handler declared."""

    methods: list[tuple[str, str]] = field(default_factory=list)  # (HTTP method or WEBSOCKET, path)
    open_api_spec: bool = True
    tags: list[str] | None = None
    summary: str | None = None
    description: str | None = None
    operation_id: str | None = None
    status_code: int | None = None
    consumes: str | None = None
    produces: str | None = None
    descriptors: list[Descriptor] = field(default_factory=list)
    development: bool = False
    cors: CorsSetting = None
    wrappers: list[EndpointWrapper] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # free slots for extensions (e.g. security)


@dataclass(slots=True)
class ControllerSpec:
    """What the class decorators of one controller declared."""

    path: str = ""
    open_api_spec: bool = True
    tags: list[str] | None = None
    development: bool = False
    cors: CorsSetting = None
    guards: list[Guard] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


_SPEC_ATTR = "__surge_endpoint__"
_CONTROLLER_ATTR = "__surge_controller__"


def endpoint_spec(func: Callable[..., Any]) -> EndpointSpec:
    """The spec of ``func``, created on first use."""
    spec = func.__dict__.get(_SPEC_ATTR)
    if spec is None:
        spec = EndpointSpec()
        setattr(func, _SPEC_ATTR, spec)
    return spec


def find_endpoint_spec(func: object) -> EndpointSpec | None:
    """The spec of ``func`` if any decorator gave it one."""
    return getattr(func, _SPEC_ATTR, None)


def controller_spec(cls: type) -> ControllerSpec:
    """The spec of controller class ``cls`` (its own, never a base class's), created on first use."""
    spec = cls.__dict__.get(_CONTROLLER_ATTR)
    if spec is None:
        inherited: ControllerSpec | None = getattr(cls, _CONTROLLER_ATTR, None)
        spec = ControllerSpec()
        if inherited is not None:
            spec.guards = list(inherited.guards)
            spec.tags = inherited.tags
            spec.cors = inherited.cors
            spec.extra = dict(inherited.extra)
        setattr(cls, _CONTROLLER_ATTR, spec)
    return spec


def add_endpoint_wrapper(func: Callable[..., Any], wrapper: EndpointWrapper) -> Callable[..., Any]:
    """Attach ``wrapper`` to ``func``'s pipeline; returns ``func`` unchanged."""
    endpoint_spec(func).wrappers.append(wrapper)
    return func


def add_controller_guard(cls: type, guard: Guard) -> type:
    """Attach ``guard`` to every endpoint of controller ``cls``.

    Class decorators apply bottom-up; guards are inserted first so they run top to bottom,
    in the order they are written.
    """
    controller_spec(cls).guards.insert(0, guard)
    return cls


class EndpointInfo:
    """What the app knows about one registered endpoint (for the compiler, OpenAPI and tooling).

    ``params`` is set when the endpoint is compiled (None before).
    """

    __slots__ = ("controller", "controller_spec", "func", "instance", "name", "params", "spec")

    def __init__(
        self,
        name: str,
        controller: type[Controller],
        instance: Controller,
        func: Callable[..., Any],
        spec: EndpointSpec,
        cspec: ControllerSpec,
    ) -> None:
        self.name = name
        self.controller = controller
        self.instance = instance
        self.func = func
        self.spec = spec
        self.controller_spec = cspec
        self.params: HandlerParams | None = None
