"""The controller and endpoint decorators of the seed API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

from surge.controller.spec import ControllerSpec, Descriptor, EndpointSpec, controller_spec, endpoint_spec
from surge.http.media_types import MediaType

if TYPE_CHECKING:
    from surge.http.response import Response

__all__ = [
    "AsyncMethod",
    "Descriptor",
    "EndpointDecoratorFn",
    "P",
    "R",
    "after_request",
    "before_request",
    "consumes",
    "cors",
    "delete",
    "development",
    "endpoint_decorator_factory",
    "get",
    "no_cors",
    "open_api_docs",
    "patch",
    "path",
    "post",
    "produces",
    "put",
    "socket",
]

_F = TypeVar("_F", bound=Callable[..., Any])
_C = TypeVar("_C", bound=type)
_T = TypeVar("_T")  # a controller class or an endpoint function


def path(url_path: str = "", open_api_spec: bool = True, tags: list[str] | None = None) -> Callable[[_C], _C]:
    """Give a controller class its URL prefix, OpenAPI inclusion and tags."""

    def decorator(cls: _C) -> _C:
        spec = controller_spec(cls)
        spec.path = url_path
        spec.open_api_spec = open_api_spec
        if tags is not None:
            spec.tags = list(tags)
        return cls

    return decorator


def _route(method: str) -> Callable[..., Callable[[_F], _F]]:
    def route(
        url_path: str = "/",
        open_api_spec: bool = True,
        tags: list[str] | None = None,
        *,
        summary: str | None = None,
        description: str | None = None,
        operation_id: str | None = None,
        status_code: int | None = None,
    ) -> Callable[[_F], _F]:
        def decorator(func: _F) -> _F:
            spec = endpoint_spec(func)
            spec.methods.append((method, url_path))
            spec.open_api_spec = spec.open_api_spec and open_api_spec
            if tags is not None:
                spec.tags = list(tags)
            spec.summary = summary or spec.summary
            spec.description = description or spec.description
            spec.operation_id = operation_id or spec.operation_id
            spec.status_code = status_code or spec.status_code
            return func

        return decorator

    route.__name__ = method.lower()
    route.__doc__ = f"Handle {method} requests on ``url_path`` (relative to the controller path)."
    return route


P = ParamSpec("P")
R = Any
"""What an endpoint method returns (PyJolt's alias)."""

AsyncMethod = Callable[..., Awaitable["Response"]]
"""An endpoint method: an async method returning a Response (PyJolt's alias)."""


class EndpointDecoratorFn(Protocol):
    """What :func:`endpoint_decorator_factory` returns: ``(url_path, open_api_spec, tags, ...)`` -> a decorator."""

    def __call__(
        self, url_path: str = "/", open_api_spec: bool = True, tags: list[str] | None = None, **options: Any
    ) -> Callable[[_F], _F]: ...


def endpoint_decorator_factory(http_method: str) -> EndpointDecoratorFn:
    """Build a route decorator like ``@get`` for ``http_method`` (``"OPTIONS"``, ``HttpMethod.POST``, ...).

    The decorator takes ``@get``'s arguments (``url_path``, ``open_api_spec``, ``tags``, and
    ``summary``, ``description``, ``operation_id``, ``status_code`` by keyword); ``"SOCKET"``
    gives a websocket route, as ``@socket``.
    """
    method = str(http_method).upper()
    if method in ("SOCKET", "WEBSOCKET"):

        def websocket_route(
            url_path: str = "/", open_api_spec: bool = True, tags: list[str] | None = None, **_: Any
        ) -> Callable[[_F], _F]:
            return socket(url_path)

        return websocket_route
    return _route(method)


get = _route("GET")
post = _route("POST")
put = _route("PUT")
patch = _route("PATCH")
delete = _route("DELETE")


def socket(url_path: str = "/") -> Callable[[_F], _F]:
    """Handle websocket connections on ``url_path``."""

    def decorator(func: _F) -> _F:
        spec = endpoint_spec(func)
        spec.methods.append(("WEBSOCKET", url_path))
        spec.open_api_spec = False
        return func

    return decorator


def consumes(media_type: MediaType | str) -> Callable[[_F], _F]:
    """Declare the request body's media type; the body parameter is parsed and validated."""

    def decorator(func: _F) -> _F:
        endpoint_spec(func).consumes = str(media_type)
        return func

    return decorator


def produces(media_type: MediaType | str, status_code: int = 200) -> Callable[[_F], _F]:
    """Declare the response media type (set on the response when the handler did not).

    ``status_code`` (PyJolt's signature) is the endpoint's default status: a response the
    handler left at 200 is sent with it, one given another status keeps that one.
    """

    def decorator(func: _F) -> _F:
        spec = endpoint_spec(func)
        spec.produces = str(media_type)
        if int(status_code) != 200:
            spec.status_code = int(status_code)
        return func

    return decorator


def open_api_docs(*descriptors: Descriptor) -> Callable[[_F], _F]:
    """Document the endpoint's other possible responses (404, 400, ...)."""

    def decorator(func: _F) -> _F:
        endpoint_spec(func).descriptors.extend(descriptors)
        return func

    return decorator


def _spec_of(target: object, decorator: str) -> EndpointSpec | ControllerSpec:
    """The spec a decorator usable on both controllers and endpoints writes to."""
    if isinstance(target, type):
        return controller_spec(target)
    if callable(target):
        return endpoint_spec(target)
    raise TypeError(f"@{decorator} decorates a controller class or an endpoint method, not {target!r}")


def development(target: _T) -> _T:
    """Make a controller or endpoint reachable only when ``DEBUG`` is true."""
    _spec_of(target, "development").development = True
    return target


def before_request(func: _F) -> _F:
    """Run this controller method before each of the controller's endpoints.

    It receives the request; returning a Response short-circuits the endpoint.
    """
    func.__surge_hook__ = "before"  # type: ignore[attr-defined]
    return func


def after_request(func: _F) -> _F:
    """Run this controller method after each of the controller's endpoints, with the response."""
    func.__surge_hook__ = "after"  # type: ignore[attr-defined]
    return func


def cors(
    *,
    allow_origins: list[str] | None = None,
    allow_methods: list[str] | None = None,
    allow_headers: list[str] | None = None,
    expose_headers: list[str] | None = None,
    allow_credentials: bool | None = None,
    max_age: int | None = None,
) -> Callable[[_T], _T]:
    """Override the global CORS policy for an endpoint or a controller (unset keys inherit)."""
    overrides: dict[str, object] = {
        "allow_origins": allow_origins,
        "allow_methods": allow_methods,
        "allow_headers": allow_headers,
        "expose_headers": expose_headers,
        "allow_credentials": allow_credentials,
        "max_age": max_age,
    }
    overrides = {key: value for key, value in overrides.items() if value is not None}

    def decorator(target: _T) -> _T:
        _spec_of(target, "cors").cors = overrides
        return target

    return decorator


def no_cors(target: _T) -> _T:
    """Disable CORS for an endpoint or a controller, whatever the global settings."""
    _spec_of(target, "no_cors").cors = False
    return target
