"""Turn an endpoint's dependency plan into one straight-line function, once, at startup.

# PERF: a generic loop over steps costs a dict and a ``**`` call per provider on every request;
# the generated function calls each provider with literal keyword arguments instead, which keeps
# two injected dependencies within a few percent of a plain endpoint. The source is built from
# parameter names (always identifiers) and numbered locals only; every object reaches it
# through the namespace, never through the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from surge.di._planner import SRC_CONST, SRC_KWARG, SRC_NODE, SRC_REQUEST, SRC_SLOT, Node, Plan, Source
from surge.di._runtime import FRAME, Cleanup, extractor
from surge.di.analysis import Mode
from surge.exceptions.base import SurgeError
from surge.types import PipelineStep

if TYPE_CHECKING:
    from loguru import Logger

    from surge.http.request import Request

__all__ = ["generate"]


class _NoValue(SurgeError, RuntimeError):
    """A generator provider finished without yielding."""


def _no_value(label: str) -> RuntimeError:
    return _NoValue(f"Dependency provider {label} did not yield a value")


class _Source:
    """Collects the generated lines and the namespace they refer to."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "FRAME": FRAME,
            "Cleanup": Cleanup,
            "_no_value": _no_value,
        }
        self.lines: list[str] = []
        self._names: dict[int, str] = {}

    def ref(self, value: object, prefix: str) -> str:
        """A namespace name bound to ``value`` (one name per object)."""
        name = self._names.get(id(value))
        if name is None:
            name = self._names[id(value)] = f"{prefix}{len(self._names)}"
            self.namespace[name] = value
        return name

    def expr(self, source: Source) -> str:
        """The expression that reads a planned source."""
        code, payload = source
        if code == SRC_NODE:
            return f"v{payload}"
        if code == SRC_SLOT:
            return f"{self.ref(payload, 's')}.value"
        if code == SRC_CONST:
            return self.ref(payload, "c")
        if code == SRC_REQUEST:
            return "req"
        if code == SRC_KWARG:
            return f"kwargs[{payload!r}]"
        raise AssertionError(f"unknown source {code}")

    def emit(self, indent: int, *lines: str) -> None:
        self.lines.extend("    " * indent + line for line in lines)


def _steps(src: _Source, nodes: list[Node], indent: int) -> bool:
    """Emit one call per node; returns True when any of them is awaited."""
    awaits = False
    for index, node in enumerate(nodes):
        func = src.ref(node.spec.func, "f")
        args = [f"{param}={src.expr((code, payload))}" for param, code, payload in node.args]
        extract = extractor(node)
        if extract is not None:
            args.append(f"**{src.ref(extract, 'x')}(req)")
        call = f"{func}({', '.join(args)})"
        mode = node.spec.mode
        if mode is Mode.VALUE:
            src.emit(indent, f"v{index} = {call}")
        elif mode is Mode.AWAIT:
            awaits = True
            src.emit(indent, f"v{index} = await {call}")
        else:
            label = src.ref(node.spec.label, "l")
            is_async = mode is Mode.ASYNC_GENERATOR
            awaits = awaits or is_async
            first = f"await g{index}.__anext__()" if is_async else f"next(g{index})"
            stop = "StopAsyncIteration" if is_async else "StopIteration"
            src.emit(
                indent,
                f"g{index} = {call}",
                "try:",
                f"    v{index} = {first}",
                f"except {stop}:",
                f"    raise _no_value({label}) from None",
                f"gens.append((g{index}, {is_async}, {label}))",
            )
    return awaits


def _body_lines(src: _Source, plan: Plan, *, deferred: bool, awaits: bool, websocket: bool) -> list[str]:
    """The function body after the staleness check, for the plan's shape."""
    indent = 2 if deferred else 1
    steps, src.lines = src.lines, []
    outputs = [f"kwargs[{name!r}] = {src.expr(source)}" for name, source in plan.outputs]
    body = [*steps, *("    " * indent + line for line in outputs)]
    call = "call_next(req, kwargs)"
    frame = ""
    if plan.attrs:
        frame = "{" + ", ".join(f"{src.ref(attr, 'a')}: {src.expr(source)}" for attr, source in plan.attrs) + "}"
    if not deferred and not plan.attrs:
        return [*body, f"    return {'await ' if awaits else ''}{call}"]
    if not deferred:
        return [
            *body,
            f"    token = FRAME.set({frame})",
            "    try:",
            f"        return await {call}",
            "    finally:",
            "        FRAME.reset(token)",
        ]
    return [
        "    cleanup = Cleanup(logger)",
        *([] if websocket else ["    req.call_after_response(cleanup.close)"]),
        "    gens = cleanup.gens",
        "    try:",
        *body,
        *([f"        cleanup.token = FRAME.set({frame})"] if plan.attrs else []),
        f"        return await {call}",
        "    except BaseException as exc:",
        "        cleanup.exc = exc",
        "        raise",
        *(["    finally:", "        await cleanup.close()"] if websocket else []),
    ]


def generate(
    plan: Plan,
    call_next: PipelineStep[Request],
    *,
    injector: object,
    websocket: bool,
    streaming: bool,
    logger: Logger,
) -> PipelineStep[Request]:
    """The step ``run(req, kwargs)`` that resolves ``plan`` into ``kwargs``, then calls ``call_next``.

    Three shapes: no teardown (a plain function, returning ``call_next``'s awaitable, when
    nothing is awaited), controller attributes only (the frame is reset when the rest of the
    pipeline returns), and teardown after the response (the cleanup is queued on the ASGI
    scope, or run inline for a websocket).

    The function first checks that ``plan`` is still the injector's: after the overrides
    change, the old function hands the request to ``injector.dispatch``, which re-plans.
    """
    src = _Source()
    src.namespace.update(call_next=call_next, logger=logger, injector=injector, plan=plan)
    nodes = plan.nodes
    has_gens = any(node.spec.mode in (Mode.GENERATOR, Mode.ASYNC_GENERATOR) for node in nodes)
    deferred = has_gens or (bool(plan.attrs) and streaming and not websocket)
    awaits = _steps(src, nodes, 2 if deferred else 1) or deferred or bool(plan.attrs)
    body = _body_lines(src, plan, deferred=deferred, awaits=awaits, websocket=websocket)
    prefix = "await " if awaits else ""
    src.lines = [
        "async def run(req, kwargs):" if awaits else "def run(req, kwargs):",
        "    if injector.plan is not plan:",
        f"        return {prefix}injector.dispatch(req, kwargs)",
        *body,
    ]
    text = "\n".join(src.lines)
    exec(compile(text, "<surge.di generated>", "exec"), src.namespace)  # noqa: S102
    run: PipelineStep[Request] = src.namespace["run"]
    run.__surge_source__ = text  # type: ignore[attr-defined]
    return run
