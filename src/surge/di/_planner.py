"""Dependency graph planning: from what an endpoint asks for to an ordered list of provider calls.

Runs at startup (and again after ``app.dependency_overrides`` changes). Every error names
the whole chain from the endpoint to the provider at fault.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import typing
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol, get_args, get_origin

from pydantic import TypeAdapter, ValidationError

from surge.di.analysis import Marker, Mode, ParamSpec, Provider, ProviderSpec
from surge.di.host import DependencyHost
from surge.di.markers import FromConfig, FromExtension, FromHeader, Scope
from surge.exceptions.config import ImproperlyConfigured
from surge.http.request import Request

__all__ = [
    "AppSlot",
    "DependencyError",
    "Node",
    "Plan",
    "Planner",
    "PlanningRegistry",
    "SRC_CONST",
    "SRC_KWARG",
    "SRC_NODE",
    "SRC_REQUEST",
    "SRC_SLOT",
    "Source",
]

SRC_NODE = 0  # payload: index of a node planned earlier
SRC_SLOT = 1  # payload: the AppSlot holding an app-scoped value
SRC_CONST = 2  # payload: the value itself (config values, the app)
SRC_REQUEST = 3  # the current Request
SRC_KWARG = 4  # payload: name of a handler kwarg an extension wrapper injected

Source = tuple[int, Any]

_SCALARS = frozenset(
    {str, int, float, bool, bytes, decimal.Decimal, uuid.UUID, datetime.date, datetime.datetime, datetime.time,
     datetime.timedelta, Any}
)
_SEQUENCES = frozenset({list, set, frozenset, tuple})


class PlanningRegistry(Protocol):
    """What planning reads from the registry (``DependencyRegistry``)."""

    @property
    def app(self) -> DependencyHost: ...

    def provider_for(self, key: object) -> Provider | None: ...

    def target(self, param: ParamSpec, chain: list[str]) -> tuple[Provider, Scope]: ...

    def spec(self, func: Provider) -> ProviderSpec: ...

    def slot_for(self, func: Provider, spec: ProviderSpec, chain: list[str]) -> AppSlot: ...


class DependencyError(ImproperlyConfigured):
    """A dependency cannot be provided; ``chain`` lists the path from the endpoint to it."""

    def __init__(self, message: str, chain: list[str]) -> None:
        super().__init__(f"{message}: {' -> '.join(chain)}" if chain else message)
        self.chain = chain


class AppSlot:
    """One app-scoped value: planned at startup, created by the registry, closed at shutdown."""

    __slots__ = ("func", "label", "nodes", "ready", "source", "value")

    def __init__(self, func: Provider, label: str, nodes: list[Node], source: Source) -> None:
        self.func = func
        self.label = label
        self.nodes = nodes
        self.source = source
        self.value: Any = None
        self.ready = False


@dataclass(slots=True)
class Node:
    """One provider call in a plan."""

    spec: ProviderSpec
    scope: Scope
    args: list[tuple[str, int, Any]] = field(default_factory=list)  # (param, SRC_*, payload)
    query: list[ParamSpec] = field(default_factory=list)
    headers: list[tuple[ParamSpec, str]] = field(default_factory=list)  # (param, header name)


@dataclass(slots=True)
class Plan:
    """What one endpoint resolves: provider calls in order, and where their values go.

    ``outputs`` are the handler kwargs (name, source); ``attrs`` the controller attributes.
    """

    nodes: list[Node]
    outputs: list[tuple[str, Source]]
    attrs: list[tuple[object, Source]]  # (InjectedAttribute, source)


def _is_query_type(bare: object) -> bool:
    """Types a provider parameter can take from the query string."""
    if bare in _SCALARS or get_origin(bare) is typing.Literal:
        return True
    if isinstance(bare, type) and issubclass(bare, enum.Enum):
        return True
    origin = get_origin(bare)
    if origin in _SEQUENCES or bare in _SEQUENCES:
        args = [arg for arg in get_args(bare) if arg is not Ellipsis]
        return all(_is_query_type(arg) for arg in args)
    return False


def _config_value(app: DependencyHost, key: str) -> Any:
    head, *rest = key.split(".")
    value = app.get_conf(head)
    for part in rest:
        if not isinstance(value, dict) or part not in value:
            raise KeyError(key)
        value = value[part]
    return value


class Planner:
    """Plans the provider calls of one endpoint (or of one app-scoped value).

    Args:
        registry: the app's providers, overrides and app-scoped slots.
        provided: handler kwargs that extension wrappers inject at this endpoint.
        app_owner: set when planning an app-scoped value; request data is then out of reach.
        check_provided: False when validating a provider with no endpoint in view.
    """

    def __init__(
        self,
        registry: PlanningRegistry,
        provided: frozenset[str] = frozenset(),
        app_owner: str | None = None,
        check_provided: bool = True,
    ) -> None:
        self.registry = registry
        self.provided = provided
        self.app_owner = app_owner
        self.check_provided = check_provided
        self.nodes: list[Node] = []
        self._by_func: dict[Provider, int] = {}
        self._visiting: list[Provider] = []

    # -- sources ---------------------------------------------------------------------------------
    def _request_only(self, what: str, chain: list[str]) -> None:
        if self.app_owner is not None:
            raise DependencyError(f"App-scoped provider {self.app_owner} cannot depend on {what}", chain)

    def source(self, param: ParamSpec, chain: list[str]) -> Source | tuple[str, Any]:
        """Where ``param`` comes from: a Source, or ``("query"|"header", ...)`` for request data."""
        marker = param.marker
        if marker is not None:
            return self._marked(param, marker, chain)
        found = self._by_type(param.bare, chain)
        if found is not None:
            return found
        if self.registry.provider_for(param.bare) is not None:
            return self.dependency(param, chain)
        if _is_query_type(param.bare):
            self._request_only(f"the query parameter {param.name!r}", chain)
            return "query", None
        if not param.required:
            return SRC_CONST, param.default  # an optional collaborator nobody provides
        return self.dependency(param, chain)

    def _marked(self, param: ParamSpec, marker: Marker, chain: list[str]) -> Source | tuple[str, Any]:
        """The source a marker names (``FromConfig``, ``FromHeader``, ``FromExtension``, ``Depends``)."""
        if isinstance(marker, FromConfig):
            return SRC_CONST, self._config(param, marker.key, chain)
        if isinstance(marker, FromHeader):
            self._request_only(f"the request header {marker.name or param.name!r}", chain)
            return "header", marker.name or param.name.replace("_", "-")
        if isinstance(marker, FromExtension):
            self._request_only(f"the extension-provided {marker.name!r}", chain)
            if self.check_provided and marker.name not in self.provided:
                raise DependencyError(
                    f"{marker.name!r} is provided by an extension decorator (e.g. @db.managed_session) "
                    "that this endpoint does not carry",
                    chain,
                )
            return SRC_KWARG, marker.name
        return self.dependency(param, chain)

    def _by_type(self, bare: object, chain: list[str]) -> Source | None:
        """The request, the app or its config when ``bare`` asks for one of them by type."""
        if not isinstance(bare, type) or bare is object:
            return None
        if issubclass(bare, Request):
            self._request_only("the Request", chain)
            return SRC_REQUEST, None
        app = self.registry.app
        if isinstance(app, bare):
            return SRC_CONST, app
        if isinstance(app.config, bare):
            return SRC_CONST, app.config
        return None

    def _config(self, param: ParamSpec, key: str, chain: list[str]) -> Any:
        try:
            value = _config_value(self.registry.app, key)
        except KeyError:
            if not param.required:
                return param.default
            raise DependencyError(f"Config key {key!r} is not set", chain) from None
        try:
            return TypeAdapter(param.annotation).validate_python(value)
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]["msg"]
            raise DependencyError(f"Config key {key!r} is invalid for {param.annotation!r} ({problem})", chain) from None

    # -- providers -------------------------------------------------------------------------------
    def dependency(self, param: ParamSpec, chain: list[str]) -> Source:
        """Plan the provider of ``param`` (and everything it needs)."""
        func, scope = self.registry.target(param, chain)
        spec = self.registry.spec(func)
        if scope is Scope.APP:
            return SRC_SLOT, self.registry.slot_for(func, spec, chain)
        if scope is Scope.REQUEST:
            self._request_only(f"request-scoped {spec.label}", [*chain, spec.label])
            known = self._by_func.get(func)
            if known is not None:
                return SRC_NODE, known
        return self.node(func, spec, scope, chain)

    def node(self, func: Provider, spec: ProviderSpec, scope: Scope, chain: list[str]) -> Source:
        """Plan one call of ``func`` after the calls it depends on."""
        if func in self._visiting:
            raise DependencyError("Dependency cycle", [*chain, spec.label])
        self._visiting.append(func)
        try:
            node = Node(spec, scope)
            for param in spec.params:
                where = [*chain, f"{spec.label}({param.name})"]
                found = self.source(param, where)
                if found[0] == "query":
                    node.query.append(param)
                elif found[0] == "header":
                    node.headers.append((param, found[1]))
                else:
                    node.args.append((param.name, found[0], found[1]))  # type: ignore[arg-type]
        finally:
            self._visiting.pop()
        index = len(self.nodes)
        self.nodes.append(node)
        if scope is Scope.REQUEST:
            self._by_func[func] = index
        return SRC_NODE, index

    def root(self, param: ParamSpec, chain: list[str]) -> Source:
        """Plan a handler parameter or controller attribute; request data gets a picking node."""
        found = self.source(param, chain)
        if found[0] in ("query", "header"):
            spec = ProviderSpec(_pick, chain[-1], Mode.VALUE, (param,), None)
            node = Node(spec, Scope.TRANSIENT)
            if found[0] == "header":
                node.headers.append((param, found[1]))
            else:
                node.query.append(param)
            self.nodes.append(node)
            return SRC_NODE, len(self.nodes) - 1
        return found  # type: ignore[return-value]


def _pick(**values: Any) -> Any:
    """The provider behind a handler parameter read straight from a header."""
    return next(iter(values.values()))

