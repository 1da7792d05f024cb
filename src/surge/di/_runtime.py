"""The per-request side of dependency injection: compiled steps, teardown, controller attributes.

Planning (``_planner``) decides what to call; this module turns a plan into closures once,
so a request only runs them.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, ValidationError, create_model

from surge._located import locate
from surge.annotations import is_list_type
from surge.di._planner import SRC_CONST, SRC_NODE, SRC_REQUEST, SRC_SLOT, Node
from surge.di.analysis import Mode, ParamSpec
from surge.types import HandlerKwargs

if TYPE_CHECKING:
    from loguru import Logger

    from surge.http.request import Request

__all__ = [
    "Cleanup",
    "FRAME",
    "InjectedAttribute",
    "REGISTRY_KEY",
    "Step",
    "compile_steps",
    "extractor",
    "run_steps",
    "value_of",
]

FRAME: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar("surge.di.frame", default=None)
"""The controller attribute values of the request being handled in this context."""

ArgumentBuilder = Callable[["Request | None", HandlerKwargs, list[Any]], dict[str, Any]]
"""Builds a provider's keyword arguments from the request, the handler kwargs and earlier values."""

Step = tuple[Callable[..., Any], int, ArgumentBuilder | None, str]
"""(provider, Mode as int, argument builder or None, label)."""

Teardown = tuple[Any, bool, str]
"""A provider generator to resume after the response: (generator, is async, label)."""

_MISSING: Any = object()

REGISTRY_KEY = "__dependencies__"
"""Where an app keeps its dependency registry, in ``app.extensions``."""


def value_of(code: int, payload: Any, req: Request | None, kwargs: HandlerKwargs, vals: list[Any]) -> Any:
    """The value a planned source stands for, in the current request."""
    if code == SRC_NODE:
        return vals[payload]
    if code == SRC_SLOT:
        return payload.value
    if code == SRC_CONST:
        return payload
    if code == SRC_REQUEST:
        return req
    return kwargs[payload]


def extractor(node: Node) -> Callable[[Request | None], dict[str, Any]] | None:
    """Validate the query and header parameters of a provider, with one pydantic model."""
    if not (node.query or node.headers):
        return None
    fields: dict[str, Any] = {}
    for param in [*node.query, *(param for param, _ in node.headers)]:
        fields[param.name] = (param.annotation, ... if param.required else param.default)
    name = "Dependency_" + re.sub(r"\W", "_", node.spec.label)
    model = create_model(name, __config__=ConfigDict(protected_namespaces=()), **fields)
    queries = tuple((param.name, is_list_type(param.annotation)) for param in node.query)
    headers = tuple((param.name, header) for param, header in node.headers)
    sources = {name: "query" for name, _ in queries} | {name: "header" for name, _ in headers}
    names = tuple(fields)

    def extract(req: Request | None) -> dict[str, Any]:
        assert req is not None, "request data read outside a request"  # the planner refuses it for app values
        raw: dict[str, Any] = {}
        if queries:
            query = req.query_params
            for key, many in queries:
                if key in query:
                    raw[key] = query.getlist(key) if many else query[key]
        if headers:
            request_headers = req.headers
            for key, header in headers:
                value = request_headers.get(header)
                if value is not None:
                    raw[key] = value
        try:
            validated = model.model_validate(raw)
        except ValidationError as exc:
            locate(req.scope, exc, by_field=sources)
            raise
        return {key: getattr(validated, key) for key in names}

    return extract


def _arguments(node: Node) -> ArgumentBuilder | None:
    """The closure that builds a provider's keyword arguments (None: it takes none)."""
    extract = extractor(node)
    if not node.args and extract is None:
        return None
    from_nodes = tuple((param, payload) for param, code, payload in node.args if code == SRC_NODE)
    others = tuple((param, code, payload) for param, code, payload in node.args if code != SRC_NODE)
    if not others and extract is None:

        def nodes_only(req: Request | None, kwargs: HandlerKwargs, vals: list[Any]) -> dict[str, Any]:
            return {param: vals[index] for param, index in from_nodes}

        return nodes_only

    def build(req: Request | None, kwargs: HandlerKwargs, vals: list[Any]) -> dict[str, Any]:
        args = {param: vals[index] for param, index in from_nodes}
        for param, code, payload in others:
            args[param] = value_of(code, payload, req, kwargs, vals)
        if extract is not None:
            args.update(extract(req))
        return args

    return build


def compile_steps(nodes: list[Node]) -> tuple[Step, ...]:
    """One step per planned node, in dependency order."""
    return tuple((node.spec.func, int(node.spec.mode), _arguments(node), node.spec.label) for node in nodes)


async def run_steps(
    steps: tuple[Step, ...], req: Request | None, kwargs: HandlerKwargs, gens: list[Teardown]
) -> list[Any]:
    """Run ``steps``; generators entered are appended to ``gens`` for teardown."""
    vals: list[Any] = []
    for func, mode, build, label in steps:
        value = func(**build(req, kwargs, vals)) if build is not None else func()
        if mode == Mode.AWAIT:
            value = await value
        elif mode == Mode.GENERATOR:
            try:
                first = next(value)
            except StopIteration:
                raise RuntimeError(f"Dependency provider {label} did not yield a value") from None
            gens.append((value, False, label))
            value = first
        elif mode == Mode.ASYNC_GENERATOR:
            try:
                first = await value.__anext__()
            except StopAsyncIteration:
                raise RuntimeError(f"Dependency provider {label} did not yield a value") from None
            gens.append((value, True, label))
            value = first
        vals.append(value)
    return vals


async def _finish(gen: Any, is_async: bool, exc: BaseException | None, label: str) -> None:
    """Resume a provider generator past its ``yield``: normally, or raising ``exc`` there."""
    try:
        if exc is None:
            if is_async:
                await gen.__anext__()
            else:
                next(gen)
        elif is_async:
            await gen.athrow(exc)
        else:
            gen.throw(exc)
    except (StopIteration, StopAsyncIteration):
        return
    except BaseException as raised:
        if raised is exc:
            return  # the provider saw the error and let it go on: the expected outcome
        raise
    if is_async:
        await gen.aclose()
    else:
        gen.close()
    raise RuntimeError(f"Dependency provider {label} yielded more than once")


class Cleanup:
    """What one request must undo after its response: generator teardowns, the attribute frame."""

    __slots__ = ("exc", "gens", "logger", "token")

    def __init__(self, logger: Logger) -> None:
        self.logger = logger
        self.gens: list[Teardown] = []
        self.exc: BaseException | None = None
        self.token: contextvars.Token[dict[Any, Any] | None] | None = None

    async def close(self) -> None:
        """Tear down in reverse creation order; a failing teardown is logged, the others still run."""
        gens, self.gens = self.gens, []
        exc = self.exc
        self.exc = None  # drop the traceback reference once used
        for gen, is_async, label in reversed(gens):
            try:
                await _finish(gen, is_async, exc, label)
            except Exception as error:  # the response is already sent: log, do not raise
                self.logger.opt(exception=error).error(f"Teardown of dependency {label} failed")
        token, self.token = self.token, None
        if token is not None:
            try:
                FRAME.reset(token)
            except ValueError:  # set in another context (a middleware ran the handler in a task)
                pass


class InjectedAttribute:
    """The descriptor behind ``repo: Inject[Repo]`` on a controller: the current request's value.

    One controller instance serves concurrent requests, so the value is read from a context
    variable that the endpoint sets for each request; it is never stored on the instance.
    """

    __slots__ = ("name", "owner", "param")

    def __init__(self, name: str, owner: str, param: ParamSpec) -> None:
        self.name = name
        self.owner = owner
        self.param = param

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        frame = FRAME.get()
        if frame is not None:
            value = frame.get(self, _MISSING)
            if value is not _MISSING:
                return value
        registry = getattr(getattr(instance, "app", None), "extensions", {}).get(REGISTRY_KEY)
        slot = registry.attribute_slots.get(self) if registry is not None else None
        if slot is not None and slot.ready:
            return slot.value  # app-scoped: readable outside a request too
        raise RuntimeError(
            f"{self.owner}.{self.name} is injected per request: read it inside a handler of "
            f"{self.owner} while that request is being handled"
        )

    def __set__(self, instance: object, value: object) -> None:
        raise AttributeError(
            f"{self.owner}.{self.name} is injected per request and cannot be assigned "
            "(one controller instance serves every request)"
        )

    def __repr__(self) -> str:
        return f"<injected {self.owner}.{self.name}>"
