"""Dependency injection into task functions: the app's providers, planned once per task at startup.

A task parameter is injected when a handler's would be: a ``Depends``/``FromConfig`` marker, or
a type an app provider is registered for. Each job is one "request" for request-scoped
providers (fresh values, torn down when the job ends); app-scoped values are shared. A job has
no request, so a provider that reads the request, a header or a query parameter fails at
startup naming the chain.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import Any, cast

from surge.di import DependencyError, DependencyRegistry
from surge.di._planner import SRC_KWARG, SRC_REQUEST, Plan
from surge.di.injector import Injector
from surge.types import HandlerKwargs

if typing.TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["TaskInjector", "inject_task"]

_ARGS = "__surge_task_args__"
"""The kwargs key that carries a job's positional arguments through the generated step."""


class TaskInjector(Injector):
    """An endpoint injector for a task: same planning and generated code, no request."""

    def build(self) -> Plan:
        plan = super().build()
        for node in plan.nodes:
            if node.query or node.headers or any(code in (SRC_REQUEST, SRC_KWARG) for _, code, _ in node.args):
                raise DependencyError(f"{node.spec.label} reads the request, which a job does not have", [self.where, node.spec.label])
        for name, (code, _) in plan.outputs:
            if code in (SRC_REQUEST, SRC_KWARG):
                raise DependencyError("a job has no request to inject", [f"{self.where}({name})"])
        return plan


def _roots(registry: DependencyRegistry, func: Callable[..., Any]) -> list[tuple[str, Any]]:
    """The parameters of ``func`` that the registry provides, with their specs."""
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception:  # noqa: BLE001 - unresolvable hints: only markers in defaults can be seen
        hints = {}
    roots = []
    for name, param in inspect.signature(func).parameters.items():
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD, inspect.Parameter.POSITIONAL_ONLY):
            continue
        spec = registry.claim(name, hints.get(name, param.annotation), param.default)
        if spec is not None:
            roots.append((name, spec))
    return roots


def inject_task(registry: DependencyRegistry, task_name: str, func: Callable[..., Any]) -> Callable[..., Awaitable[Any]] | None:
    """The function a worker runs for ``func`` with its providers injected (None: nothing to inject).

    Raises:
        DependencyError: a provider is missing, cyclic, in the wrong scope or reads the request.
    """
    roots = _roots(registry, func)
    if not roots:
        return None
    injector = TaskInjector(registry, f"task {task_name}", roots, [], frozenset(), websocket=True, streaming=False)
    injector.replan()
    registry.injectors.append(injector)  # re-planned when app.dependency_overrides change
    is_async = inspect.iscoroutinefunction(inspect.unwrap(func)) or inspect.iscoroutinefunction(func)

    async def call(req: Request, kwargs: HandlerKwargs) -> Any:
        args = kwargs.pop(_ARGS)
        if not is_async:  # a sync task runs in a thread, as taskiq runs it without injection
            return await asyncio.to_thread(functools.partial(func, *args, **kwargs))
        return await func(*args, **kwargs)

    step = injector.wrap(call)
    no_request = cast("Request", None)

    async def job(*args: Any, **kwargs: Any) -> Any:
        kwargs[_ARGS] = args
        return await step(no_request, kwargs)

    injected = {name for name, _ in roots}
    signature = inspect.signature(func)
    functools.update_wrapper(job, func)  # __wrapped__ lets taskiq resolve the annotations' names
    job.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name not in injected]
    )
    job.__annotations__ = {k: v for k, v in getattr(func, "__annotations__", {}).items() if k not in injected}
    return job
