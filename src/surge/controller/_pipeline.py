"""Compile one endpoint into the callable that serves it.

Everything here runs once, at startup; the closures it returns are the per-request path.
An HTTP endpoint's pipeline, outermost first::

    guards -> @before_request -> extension steps (top decorator outermost) -> finisher
        -> dependency step -> handler step -> @after_request

The finisher runs exactly once: extension steps see (and return) the finished Response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from surge._marks import marked_members
from surge.controller._finish import Finish, finisher, keeps_responses
from surge.controller._handler import endpoint_step, handler_step
from surge.http.request import Request
from surge.http.response import Response
from surge.types import Endpoint, HandlerKwargs

if TYPE_CHECKING:
    from surge.controller.context import CompileContext
    from surge.controller.params import HandlerParams
    from surge.controller.spec import CallNext, EndpointInfo, EndpointWrapper, Guard

__all__ = ["HttpEndpoint", "SocketEndpoint", "compile_endpoint", "compile_socket"]

HttpEndpoint = Endpoint[Request, Response]
"""A compiled HTTP endpoint: request in, finished response out."""

SocketEndpoint = Endpoint[Request, None]
"""A compiled websocket endpoint."""

_Hook = Callable[..., Awaitable[Any]]


def _bound_hooks(instance: object, kind: str) -> tuple[_Hook, ...]:
    """``@before_request`` / ``@after_request`` methods, in alphabetical order (as the seed says)."""
    return tuple(getattr(instance, name) for name, mark in marked_members(type(instance), "__surge_hook__") if mark == kind)


def _inner(info: EndpointInfo, params: HandlerParams) -> CallNext:
    """The dependency step (when the endpoint injects anything) around the handler step."""
    call = handler_step(info.instance, info.func, params)
    if params.injector is not None:  # innermost, inside the extension steps
        call = params.injector.wrap(call)
    return call


def _finished(ctx: CompileContext, call: CallNext, finish: Finish, wrappers: Sequence[EndpointWrapper]) -> CallNext:
    """The extension steps around the finisher: each sees, and returns, a finished Response."""

    async def finished_call(req: Request, kwargs: HandlerKwargs) -> Response:
        return finish(req, await call(req, kwargs))

    step: CallNext = finished_call
    for wrapper in wrappers:  # decorators apply bottom-up: the last one listed is the top
        step = wrapper.wrap(ctx, step)
    return step


def _plain(call: CallNext, finish: Finish, *, finished: bool, keeps: bool) -> HttpEndpoint:
    """An endpoint with no guards and no hooks."""
    if finished:
        return lambda req: call(req, {})
    if keeps:

        async def endpoint_keeping(req: Request) -> Response:
            result = await call(req, {})
            if isinstance(result, Response):
                return result  # PERF: what finish would do, without the call
            return finish(req, result)

        return endpoint_keeping

    async def endpoint(req: Request) -> Response:
        return finish(req, await call(req, {}))

    return endpoint


def _hooked(
    call: CallNext, finish: Finish | None, guards: tuple[Guard, ...], before: tuple[_Hook, ...], after: tuple[_Hook, ...]
) -> HttpEndpoint:
    """An endpoint with controller guards or ``@before_request`` / ``@after_request`` hooks."""

    async def endpoint(req: Request) -> Response:
        for guard in guards:
            await guard(req)
        for hook in before:
            early = await hook(req)
            if isinstance(early, Response):
                return early
        result = await call(req, {})
        response: Response = result if finish is None else finish(req, result)
        for hook in after:
            replaced = await hook(response)
            if isinstance(replaced, Response):
                response = replaced
        return response

    return endpoint


def compile_endpoint(ctx: CompileContext, info: EndpointInfo, params: HandlerParams) -> HttpEndpoint:
    """Build the per-request callable of one HTTP endpoint (see the module docs for the order)."""
    instance = info.instance
    finish = finisher(ctx.logger, f"{type(instance).__name__}.{info.func.__name__}", info.spec, params)
    wrappers = info.spec.wrappers
    guards = tuple(info.controller_spec.guards)
    before = _bound_hooks(instance, "before")
    after = _bound_hooks(instance, "after")
    keeps = keeps_responses(info.spec, params)
    if not (wrappers or guards or before or after or params.injector or params.provided or params.injected):
        return endpoint_step(instance, info.func, params, finish, keeps=keeps)  # PERF: one coroutine in all
    call = _inner(info, params)
    if wrappers:
        call = _finished(ctx, call, finish, wrappers)
    if not (guards or before or after):
        return _plain(call, finish, finished=bool(wrappers), keeps=keeps)
    return _hooked(call, None if wrappers else finish, guards, before, after)


def compile_socket(ctx: CompileContext, info: EndpointInfo, params: HandlerParams) -> SocketEndpoint:
    """Build the callable of a websocket handler: guards and extension steps, then the handler."""
    call = _inner(info, params)
    for wrapper in info.spec.wrappers:
        call = wrapper.wrap(ctx, call)
    guards = tuple(info.controller_spec.guards)

    async def socket_endpoint(req: Request) -> None:
        for guard in guards:
            await guard(req)
        await call(req, {})

    return socket_endpoint
