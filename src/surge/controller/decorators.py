"""The controller and endpoint decorators of the seed API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from surge.controller.spec import controller_spec, endpoint_spec
from surge.http.media_types import MediaType
from surge.http.status import HttpStatus

__all__ = [
    "Descriptor",
    "after_request",
    "before_request",
    "consumes",
    "cors",
    "delete",
    "development",
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

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


def path(url_path: str = "", open_api_spec: bool = True, tags: list[str] | None = None) -> Callable[[C], C]:
    """Give a controller class its URL prefix, OpenAPI inclusion and tags."""

    def decorator(cls: C) -> C:
        spec = controller_spec(cls)
        spec.path = url_path
        spec.open_api_spec = open_api_spec
        if tags is not None:
            spec.tags = list(tags)
        return cls

    return decorator


def _route(method: str) -> Callable[..., Callable[[F], F]]:
    def route(
        url_path: str = "/",
        open_api_spec: bool = True,
        tags: list[str] | None = None,
        *,
        summary: str | None = None,
        description: str | None = None,
        operation_id: str | None = None,
        status_code: int | None = None,
    ) -> Callable[[F], F]:
        def decorator(func: F) -> F:
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


get = _route("GET")
post = _route("POST")
put = _route("PUT")
patch = _route("PATCH")
delete = _route("DELETE")


def socket(url_path: str = "/") -> Callable[[F], F]:
    """Handle websocket connections on ``url_path``."""

    def decorator(func: F) -> F:
        spec = endpoint_spec(func)
        spec.methods.append(("WEBSOCKET", url_path))
        spec.open_api_spec = False
        return func

    return decorator


def consumes(media_type: MediaType | str) -> Callable[[F], F]:
    """Declare the request body's media type; the body parameter is parsed and validated."""

    def decorator(func: F) -> F:
        endpoint_spec(func).consumes = str(media_type)
        return func

    return decorator


def produces(media_type: MediaType | str) -> Callable[[F], F]:
    """Declare the response media type (set on the response when the handler did not)."""

    def decorator(func: F) -> F:
        endpoint_spec(func).produces = str(media_type)
        return func

    return decorator


@dataclass(frozen=True, slots=True)
class Descriptor:
    """A documented extra response of an endpoint (for OpenAPI)."""

    status: int = HttpStatus.BAD_REQUEST
    description: str | None = None
    media_type: MediaType | str = MediaType.APPLICATION_JSON
    body: type[BaseModel] | None = None


def open_api_docs(*descriptors: Descriptor) -> Callable[[F], F]:
    """Document the endpoint's other possible responses (404, 400, ...)."""

    def decorator(func: F) -> F:
        endpoint_spec(func).descriptors.extend(descriptors)
        return func

    return decorator


def development(target: Any) -> Any:
    """Make a controller or endpoint reachable only when ``DEBUG`` is true."""
    if isinstance(target, type):
        controller_spec(target).development = True
    else:
        endpoint_spec(target).development = True
    return target


def before_request(func: F) -> F:
    """Run this controller method before each of the controller's endpoints.

    It receives the request; returning a Response short-circuits the endpoint.
    """
    func.__surge_hook__ = "before"  # type: ignore[attr-defined]
    return func


def after_request(func: F) -> F:
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
) -> Callable[[Any], Any]:
    """Override the global CORS policy for an endpoint or a controller (unset keys inherit)."""
    overrides = {
        "allow_origins": allow_origins,
        "allow_methods": allow_methods,
        "allow_headers": allow_headers,
        "expose_headers": expose_headers,
        "allow_credentials": allow_credentials,
        "max_age": max_age,
    }
    overrides = {key: value for key, value in overrides.items() if value is not None}

    def decorator(target: Any) -> Any:
        spec = controller_spec(target) if isinstance(target, type) else endpoint_spec(target)
        spec.cors = overrides
        return target

    return decorator


def no_cors(target: Any) -> Any:
    """Disable CORS for an endpoint or a controller, whatever the global settings."""
    spec = controller_spec(target) if isinstance(target, type) else endpoint_spec(target)
    spec.cors = False
    return target
