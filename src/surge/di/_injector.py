"""The dependency step of one endpoint: resolves its providers, then calls the handler.

The app puts it innermost in the endpoint pipeline (inside every extension wrapper), so
providers can take what extensions injected and see the handler's exceptions.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from surge.di._analysis import ParamSpec
from surge.di._codegen import generate
from surge.di._planner import SRC_SLOT, Node, Planner, Source
from surge.di._runtime import InjectedAttribute

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.controller.spec import CallNext
    from surge.di.registry import DependencyRegistry
    from surge.http.request import Request

__all__ = ["Injector", "RequestParameter"]


@dataclass(frozen=True, slots=True)
class RequestParameter:
    """A query or header parameter read by a provider of an endpoint (for OpenAPI)."""

    name: str
    location: str  # "query" or "header"
    annotation: Any
    default: Any
    required: bool
    provider: str


class _Plan:
    """What one endpoint resolves: provider calls in order, and where their values go."""

    __slots__ = ("attrs", "nodes", "outputs")

    def __init__(
        self,
        nodes: list[Node],
        outputs: list[tuple[str, Source]],
        attrs: list[tuple[InjectedAttribute, Source]],
    ) -> None:
        self.nodes = nodes
        self.outputs = outputs
        self.attrs = attrs


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
        registry: DependencyRegistry,
        where: str,
        roots: list[tuple[str, ParamSpec]],
        attrs: list[tuple[InjectedAttribute, ParamSpec]],
        params: Any,
        *,
        websocket: bool,
        streaming: bool,
    ) -> None:
        self.registry = registry
        self.where = where
        self.roots = roots
        self.attrs = attrs
        self.params = params
        self.websocket = websocket
        self.streaming = streaming
        self.plan: _Plan | None = None
        self.parameters: list[RequestParameter] = []
        self.run: Callable[[Request, dict[str, Any]], Awaitable[Any]] = self.dispatch
        self._call_next: CallNext | None = None
        self._handler: tuple[Callable[..., Any], str | None, bool] | None = None

    def build(self) -> _Plan:
        """Plan (raises DependencyError naming the chain)."""
        planner = Planner(self.registry, self.params.provided)
        outputs = [(name, planner.root(param, [f"{self.where}({name})"])) for name, param in self.roots]
        attrs = []
        for attr, param in self.attrs:
            source = planner.root(param, [f"{attr.owner}.{attr.name}"])
            if source[0] == SRC_SLOT:
                self.registry.attribute_slots[attr] = source[1]
            attrs.append((attr, source))
        self.parameters = _parameters(planner.nodes)
        return _Plan(planner.nodes, outputs, attrs)

    def replan(self) -> None:
        """Plan now and, once the pipeline exists, generate the per-request function."""
        plan = self.plan = self.build()
        if self._call_next is not None:
            self.run = generate(
                plan,
                self._call_next,
                injector=self,
                handler=self._handler,
                websocket=self.websocket,
                streaming=self.streaming,
                logger=self.registry.app.logger,
            )

    def invalidate(self) -> None:
        """Forget the plan: the next request re-plans."""
        self.plan = None
        self.run = self.dispatch

    def dispatch(self, req: Request, kwargs: dict[str, Any]) -> Awaitable[Any]:
        """Run the current plan, re-planning first when it was dropped."""
        if self.plan is None:
            return self._replan_and_run(req, kwargs)
        return self.run(req, kwargs)

    async def _replan_and_run(self, req: Request, kwargs: dict[str, Any]) -> Any:
        async with self.registry.lock:
            if self.plan is None:
                self.replan()
                await self.registry.start_slots()
        return await self.run(req, kwargs)

    def wrap(self, app: Surge, call_next: CallNext, instance: Any = None, func: Any = None) -> CallNext:
        """The pipeline step, called once at startup.

        With the handler's ``instance`` and ``func``, an ``async def`` handler whose other
        parameters need no parsing is called directly by the generated function.
        """
        params = self.params
        plain = not (params.route or params.query_model or params.body or params.files)
        if func is not None and plain and not self.websocket and inspect.iscoroutinefunction(func):
            request_name = params.request_name
            if request_name is not None and params.signature is not None:
                names = list(params.signature.parameters)
                if len(names) > 1 and names[1] == request_name:  # names[0] is self
                    request_name = ""
            self._handler = (func.__get__(instance), request_name, bool(params.provided))
        self._call_next = call_next
        if self.plan is not None:
            self.replan()
        return self.run
