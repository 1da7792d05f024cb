"""Startup compilation of one route: analyse the handler, build its pipeline, add CORS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from surge.controller._params import analyze_handler
from surge.controller._pipeline import compile_endpoint, compile_socket
from surge.controller.spec import ControllerSpec, EndpointSpec
from surge.middleware.cors import CorsPolicy, cors_endpoint

if TYPE_CHECKING:
    from surge.app import EndpointInfo, Surge
    from surge.routing.router import Route

__all__ = ["compile_route", "endpoint_cors_policy"]


def endpoint_cors_policy(
    base: CorsPolicy | None, config: Any, spec: EndpointSpec, cspec: ControllerSpec
) -> CorsPolicy | None:
    """The CORS policy of one endpoint: ``@no_cors`` -> None, ``@cors(...)`` -> overrides, else ``base``."""
    setting = spec.cors if spec.cors is not None else cspec.cors
    if setting is False:
        return None
    if isinstance(setting, dict):
        return (base or CorsPolicy.from_config(config)).override(setting)
    return base


def compile_route(app: Surge, route: Route, registry: Any) -> None:
    """Set ``route.handler`` to the compiled endpoint (and ``info.params`` for tooling).

    Raises:
        ImproperlyConfigured: a handler parameter cannot be sourced (named with the handler).
        DependencyError: a dependency is missing, cyclic or in the wrong scope.
    """
    info: EndpointInfo = route.info
    spec = info.spec
    provided = frozenset(name for wrapper in spec.wrappers for name in getattr(wrapper, "provides", ()))
    params = analyze_handler(
        info.func,
        where=info.name,
        http_method=route.method,
        route_params={name: conv.python_type for name, conv in route.rule.params.items()},
        consumes=spec.consumes,
        provided=provided,
        dependency_planner=registry.planner,
    )
    websocket = route.method == "WEBSOCKET"
    params.injector = registry.compile_endpoint(
        info.controller, params, info.name, websocket=websocket, handler=info.func
    )
    info.params = params
    if websocket:
        route.handler = compile_socket(app, info.instance, info.func, spec, info.controller_spec, params)
        return
    handler = compile_endpoint(app, info.instance, info.func, spec, info.controller_spec, params)
    policy = endpoint_cors_policy(app.cors_policy, app.config, spec, info.controller_spec)
    route.handler = handler if policy is None else cors_endpoint(handler, policy, route.method, app._handle_exception)
