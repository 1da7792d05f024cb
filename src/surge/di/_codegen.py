"""Turn an endpoint's dependency plan into one straight-line function, once, at startup.

# PERF: a generic loop over steps costs a dict and a ``**`` call per provider on every request;
# the generated function calls each provider with literal keyword arguments instead, which keeps
# two injected dependencies within a few percent of a plain endpoint. The source is built from
# parameter names (always identifiers) and numbered locals only; every object reaches it
# through the namespace, never through the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from surge.di._analysis import Mode
from surge.di._planner import SRC_CONST, SRC_KWARG, SRC_NODE, SRC_REQUEST, SRC_SLOT, Node, Source
from surge.di._runtime import FRAME, Cleanup, extractor

__all__ = ["generate"]


class _NoValue(RuntimeError):
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

    def ref(self, value: Any, prefix: str) -> str:
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


def generate(
    plan: Any,
    call_next: Callable[..., Any],
    *,
    injector: Any,
    handler: tuple[Callable[..., Any], str | None, bool] | None,
    websocket: bool,
    streaming: bool,
    logger: Any,
) -> Callable[..., Any]:
    """The function ``run(req, kwargs)`` that resolves ``plan``, then calls the rest of the pipeline.

    Three shapes: no teardown (a plain function when nothing is awaited), controller attributes
    only (the frame is reset when the handler returns), and teardown after the response (the
    cleanup is queued on the ASGI scope, or run inline for a websocket). ``handler`` (the bound
    async handler, the name of its Request parameter (``""`` when it is the first one, passed
    by position), and whether extension wrappers add
    kwargs) lets the function call the handler
    directly instead of through ``call_next`` when nothing else stands between them.

    The function first checks that ``plan`` is still the injector's: after the overrides
    change, the old function hands the request to ``injector.dispatch``, which re-plans.
    """
    src = _Source()
    src.namespace.update(call_next=call_next, logger=logger, injector=injector, plan=plan)
    nodes: list[Node] = plan.nodes
    has_gens = any(node.spec.mode in (Mode.GENERATOR, Mode.ASYNC_GENERATOR) for node in nodes)
    deferred = has_gens or (bool(plan.attrs) and streaming and not websocket)
    indent = 2 if deferred else 1
    awaits = _steps(src, nodes, indent) or deferred or bool(plan.attrs)
    if handler is not None:
        # PERF: a direct call skips writing kwargs, the pipeline's lambda and a ``**`` unpack.
        method, request_name, extras = handler
        args = ["**kwargs"] if extras else []
        if request_name == "":
            args.insert(0, "req")
        elif request_name is not None:
            args.append(f"{request_name}=req")
        args.extend(f"{name}={src.expr(source)}" for name, source in plan.outputs)
        call = f"{src.ref(method, 'h')}({', '.join(args)})"
    else:
        for name, source in plan.outputs:
            src.emit(indent, f"kwargs[{name!r}] = {src.expr(source)}")
        call = "call_next(req, kwargs)"
    frame = ""
    if plan.attrs:
        frame = "{" + ", ".join(f"{src.ref(attr, 'a')}: {src.expr(source)}" for attr, source in plan.attrs) + "}"
    body, src.lines = src.lines, []
    prefix = "await " if awaits else ""
    head = [
        "async def run(req, kwargs):" if awaits else "def run(req, kwargs):",
        "    if injector.plan is not plan:",
        f"        return {prefix}injector.dispatch(req, kwargs)",
    ]
    if not deferred and not plan.attrs:
        src.lines = [*head, *body, f"    return {prefix}{call}"]
    elif not deferred:
        src.lines = [
            *head,
            *body,
            f"    token = FRAME.set({frame})",
            "    try:",
            f"        return await {call}",
            "    finally:",
            "        FRAME.reset(token)",
        ]
    else:
        queue = [] if websocket else ["    req.call_after_response(cleanup.close)"]
        src.lines = [
            *head,
            "    cleanup = Cleanup(logger)",
            *queue,
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
    text = "\n".join(src.lines)
    exec(compile(text, "<surge.di generated>", "exec"), src.namespace)  # noqa: S102
    run: Callable[..., Any] = src.namespace["run"]
    run.__surge_source__ = text  # type: ignore[attr-defined]
    return run
