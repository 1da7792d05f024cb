"""Startup compilation of one route: analyse the handler, plan its dependencies, build its pipeline.

The app calls :func:`compile_route` for every route once it has built the
:class:`~surge.controller.context.CompileContext`; nothing here sees the application itself.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from surge.controller._analysis import analyze_handler
from surge.controller._pipeline import compile_endpoint, compile_socket
from surge.controller.spec import ControllerSpec, EndpointInfo, EndpointSpec
from surge.http.response import Response
from surge.middleware.cors import CorsPolicy, cors_endpoint
from surge.types import ConfigContext

if TYPE_CHECKING:
    from surge.controller._pipeline import HttpEndpoint
    from surge.controller.context import AppHook, CompileContext
    from surge.controller.params import HandlerParams
    from surge.http.request import Request
    from surge.routing.router import Route

__all__ = ["app_hooked", "compile_route", "endpoint_cors_policy"]


def endpoint_cors_policy(
    base: CorsPolicy | None, config: ConfigContext, spec: EndpointSpec, cspec: ControllerSpec
) -> CorsPolicy | None:
    """The CORS policy of one endpoint: ``@no_cors`` -> None, ``@cors(...)`` -> overrides, else ``base``."""
    setting = spec.cors if spec.cors is not None else cspec.cors
    if setting is False:
        return None
    if isinstance(setting, dict):
        return (base or CorsPolicy.from_config(config)).override(setting)
    return base


def app_hooked(endpoint: HttpEndpoint, before: tuple[AppHook, ...], after: tuple[AppHook, ...]) -> HttpEndpoint:
    """``endpoint`` inside the app-wide hooks (``endpoint`` itself when there are none).

    A before hook that returns a Response answers instead of the endpoint; every after hook
    sees the response (a short-circuited one too) and may return a replacement.
    """
    if not (before or after):
        return endpoint

    async def hooked(req: Request) -> Response:
        response: Response | None = None
        for hook in before:
            early = await hook(req)
            if isinstance(early, Response):
                response = early
                break
        if response is None:
            response = await endpoint(req)
        for hook in after:
            replaced = await hook(response)
            if isinstance(replaced, Response):
                response = replaced
        return response

    return hooked


def _analyze(ctx: CompileContext, route: Route, info: EndpointInfo) -> HandlerParams:
    """Where each handler parameter comes from, with the dependency step planned."""
    spec = info.spec
    provided = frozenset(name for wrapper in spec.wrappers for name in wrapper.provides)
    registry = ctx.dependencies
    params = analyze_handler(
        info.func,
        where=info.name,
        http_method=route.method,
        route_params={name: conv.python_type for name, conv in route.rule.params.items()},
        consumes=spec.consumes,
        provided=provided,
        claim=registry.claim,
    )
    func = info.func
    params.injector = registry.compile_endpoint(
        info.controller,
        params.injected,
        info.name,
        provided=provided,
        websocket=route.method == "WEBSOCKET",
        streaming=inspect.isasyncgenfunction(func) or inspect.isgeneratorfunction(func),
    )
    return params


def compile_route(ctx: CompileContext, route: Route) -> None:
    """Set ``route.handler`` to the compiled endpoint, ``route.cors`` to its CORS policy, and
    ``route.info.params`` (for OpenAPI and tooling).

    Raises:
        ImproperlyConfigured: a handler parameter cannot be sourced (named with the handler).
        DependencyError: a dependency is missing, cyclic or in the wrong scope.
    """
    info = route.info
    assert isinstance(info, EndpointInfo), f"route {route.name} has no endpoint"
    params = info.params = _analyze(ctx, route, info)
    if route.method == "WEBSOCKET":
        route.handler = compile_socket(ctx, info, params)
        return
    handler = app_hooked(compile_endpoint(ctx, info, params), ctx.before_request, ctx.after_request)
    policy = endpoint_cors_policy(ctx.cors, ctx.config, info.spec, info.controller_spec)
    route.cors = policy
    route.handler = handler if policy is None else cors_endpoint(handler, policy, route.method, ctx.respond)
