"""The dependency step of one endpoint: resolves its providers into the handler kwargs.

An ordinary pipeline step: it fills the kwargs and calls the rest of the pipeline. The
endpoint compiler puts it innermost (inside every extension step, right before the handler
step), so providers can take what extensions injected and see the handler's exceptions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from surge.di._codegen import generate
from surge.di._planner import SRC_SLOT, AppSlot, Node, Plan, Planner, PlanningRegistry, Source
from surge.di._runtime import InjectedAttribute
from surge.di.analysis import ParamSpec
from surge.types import HandlerKwargs, PipelineStep

if TYPE_CHECKING:
    from loguru import Logger

    from surge.http.request import Request

__all__ = ["Injector", "InjectorRegistry", "RequestParameter"]


class InjectorRegistry(PlanningRegistry, Protocol):
    """What an endpoint's injector needs from the registry (``DependencyRegistry``)."""

    @property
    def lock(self) -> asyncio.Lock: ...

    @property
    def attribute_slots(self) -> dict[InjectedAttribute, AppSlot]: ...

    @property
    def logger(self) -> Logger: ...

    async def start_slots(self) -> None: ...


@dataclass(frozen=True, slots=True)
class RequestParameter:
    """A query or header parameter read by a provider of an endpoint (for OpenAPI)."""

    name: str
    location: str  # "query" or "header"
    annotation: Any
    default: Any
    required: bool
    provider: str


def _parameters(nodes: list[Node]) -> list[RequestParameter]:
    found: dict[tuple[str, str], RequestParameter] = {}
    for node in nodes:
        label = node.spec.label
        for param in node.query:
            found.setdefault(("query", param.name), _describe(param, param.name, "query", label))
        for param, header in node.headers:
            found.setdefault(("header", header), _describe(param, header, "header", label))
    return list(found.values())


def _describe(param: ParamSpec, name: str, location: str, label: str) -> RequestParameter:
    return RequestParameter(name, location, param.annotation, param.default, param.required, label)


class Injector:
    """Resolves one endpoint's injected handler parameters and controller attributes.

    ``run`` is the function generated for the current plan. When the overrides change the
    plan is dropped, and the next request re-plans through :meth:`dispatch`.
    """

    def __init__(
        self,
        registry: InjectorRegistry,
        where: str,
        roots: list[tuple[str, ParamSpec]],
        attrs: list[tuple[InjectedAttribute, ParamSpec]],
        provided: frozenset[str],
        *,
        websocket: bool,
        streaming: bool,
    ) -> None:
        self.registry = registry
        self.where = where
        self.roots = roots
        self.attrs = attrs
        self.provided = provided
        self.websocket = websocket
        self.streaming = streaming
        self.plan: Plan | None = None
        self.parameters: list[RequestParameter] = []
        self.run: PipelineStep[Request] = self.dispatch
        self._call_next: PipelineStep[Request] | None = None

    def build(self) -> Plan:
        """Plan (raises DependencyError naming the chain)."""
        planner = Planner(self.registry, self.provided)
        outputs = [(name, planner.root(param, [f"{self.where}({name})"])) for name, param in self.roots]
        attrs: list[tuple[object, Source]] = []
        for attr, param in self.attrs:
            source = planner.root(param, [f"{attr.owner}.{attr.name}"])
            if source[0] == SRC_SLOT:
                self.registry.attribute_slots[attr] = source[1]
            attrs.append((attr, source))
        self.parameters = _parameters(planner.nodes)
        return Plan(planner.nodes, outputs, attrs)

    def replan(self) -> None:
        """Plan now and, once the pipeline exists, generate the per-request function."""
        plan = self.plan = self.build()
        if self._call_next is not None:
            self.run = generate(
                plan,
                self._call_next,
                injector=self,
                websocket=self.websocket,
                streaming=self.streaming,
                logger=self.registry.logger,
            )

    def invalidate(self) -> None:
        """Forget the plan: the next request re-plans."""
        self.plan = None
        self.run = self.dispatch

    def dispatch(self, req: Request, kwargs: HandlerKwargs) -> Awaitable[Any]:
        """Run the current plan, re-planning first when it was dropped."""
        if self.plan is None:
            return self._replan_and_run(req, kwargs)
        return self.run(req, kwargs)

    async def _replan_and_run(self, req: Request, kwargs: HandlerKwargs) -> Any:
        async with self.registry.lock:
            if self.plan is None:
                self.replan()
                await self.registry.start_slots()
        return await self.run(req, kwargs)

    def wrap(self, call_next: PipelineStep[Request]) -> PipelineStep[Request]:
        """The pipeline step, built once at startup: fill the injected kwargs, then ``call_next``."""
        self._call_next = call_next
        if self.plan is not None:
            self.replan()
        return self.run
