"""Generating the controller of a resource: real ``@get``/``@post``/... endpoints.

Each verb becomes a handler whose signature names what the pipeline must supply (the
route's ``id``, the validated body model, the typed query parameters of the filters and the
paginator), so the app validates input with its compiled pipeline and documents the
resource in OpenAPI like any controller. A :class:`RestStep` wraps each handler with what
the seed does around it: rate limits, authentication, caching, the session's commit,
background tasks and the seed's ``{"detail": ...}`` error bodies.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError

from surge.caching.keys import user_identity
from surge.controller.controller import Controller
from surge.controller.spec import CallNext, controller_spec, endpoint_spec
from surge.exceptions.http import BaseHttpException
from surge.http.request import Request
from surge.http.response import Response
from surge.rest._crud import error_response, integrity_error, json_response, validation_errors
from surge.rest._openapi import allows_anyone, responses, security
from surge.rest._protocols import ApiContext
from surge.rest.endpoint import BackgroundTask, RestEndpoint, call_maybe_sync
from surge.rest.errors import ConfigurationError, RestError
from surge.rest.middleware import run_after, run_before

if TYPE_CHECKING:
    from loguru import Logger

    from surge.controller.context import CompileContext
    from surge.rest._cache import ResponseCache
    from surge.rest._resource import ResourceSpec
    from surge.rest._runtime import Runtime
    from surge.rest.middleware import RestMiddleware
    from surge.types import HandlerKwargs

__all__ = ["ControllerApi", "RestStep", "build_controller", "convert_error", "to_response"]

ENDPOINT_KWARG = "_rest_endpoint"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ControllerApi(ApiContext, Protocol):
    """What the generated controllers use of their ``RestApi`` (which builds them: no import back)."""

    @property
    def response_cache(self) -> ResponseCache:
        """Caches the GET responses of resources with ``Meta.cache``."""
        ...

    @property
    def middlewares(self) -> tuple[RestMiddleware, ...]:
        """The RestMiddleware around every resource."""
        ...

    def runtime(self, cls: type[RestEndpoint]) -> Runtime:
        """The request-time view of resource ``cls``."""
        ...


def to_response(request: Request, result: object) -> Response:
    """What an override returned, as a Response: dicts and lists become JSON, None a 204."""
    if isinstance(result, Response):
        return result
    if result is None:
        return request.app.response_class(request).no_content()
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    return json_response(request, result)


class RestStep:
    """The pipeline step around one generated handler (see the module docs)."""

    provides: tuple[str, ...] = (ENDPOINT_KWARG,)

    def __init__(self, api: ControllerApi, cls: type[RestEndpoint], method: str) -> None:
        self.api = api
        self.cls = cls
        self.method = method

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """Bind to the resource's runtime (once, at startup)."""
        runtime = self.api.runtime(self.cls)
        cls = self.cls
        api = self.api
        name = cls._resource.name
        cache = api.response_cache if runtime.cache_ttl is not None else None
        ttl = runtime.cache_ttl or 0
        write = self.method in _WRITES
        middlewares = api.middlewares
        logger = ctx.logger

        async def serve(req: Request, kwargs: HandlerKwargs, endpoint: RestEndpoint) -> tuple[Response, bool]:
            """The response, and whether the request changed data successfully."""
            await runtime.limit(req)
            await runtime.authenticate(req)
            key = None
            if cache is not None and not write:
                user = req.user
                identity = None if user is None else _identity(user)
                key = await cache.key(name, req, identity)
                cached = await cache.lookup(key, req)
                if cached is not None:
                    cached.headers["X-Cache"] = "HIT"
                    return cached, False
            kwargs[ENDPOINT_KWARG] = endpoint
            response = to_response(req, await call_next(req, kwargs))
            ok = response.status_code < 400
            if key is not None and cache is not None and response.status_code == 200:
                await cache.store(key, response, ttl)
                response.headers["X-Cache"] = "MISS"
            return response, ok

        async def step(req: Request, kwargs: HandlerKwargs) -> Response:
            endpoint = cls()
            endpoint._start(req, runtime)
            ok = False
            try:
                early = await _before(middlewares, req)
                if early is not None:
                    response = early
                else:
                    response, ok = await serve(req, kwargs, endpoint)
                await endpoint._end(commit=ok)
            except BaseException as exc:
                await endpoint._end(commit=False)
                ok = False
                converted = convert_error(req, exc)
                if converted is None:
                    raise
                response = converted
            if ok and write and cache is not None:
                await cache.invalidate(name)
            if middlewares:
                response = await run_after(middlewares, req, response)
            tasks = endpoint._tasks
            if ok and tasks:
                _schedule(req, tasks, logger)
            return response

        return step


async def _before(middlewares: tuple[RestMiddleware, ...], req: Request) -> Response | None:
    if not middlewares:
        return None
    return await run_before(middlewares, req)


def _identity(user: object) -> str:
    """Who the cached entry is for: a JWT's ``sub``, else what the cache extension uses."""
    if isinstance(user, dict) and user.get("sub") is not None:
        return f"sub:{user['sub']}"
    identity = user_identity(user)
    return identity if identity is not None else repr(sorted(user.items())) if isinstance(user, dict) else str(id(user))


def convert_error(req: Request, exc: BaseException) -> Response | None:
    """The seed's error response for a client error raised in the pipeline (None: not one)."""
    if isinstance(exc, RestError):
        return error_response(req, exc)
    if isinstance(exc, ValidationError):
        where = "query" if exc.title.startswith("Query_") else "body"
        return json_response(req, {"detail": validation_errors(exc, where)}, 422)
    if isinstance(exc, IntegrityError):
        return error_response(req, integrity_error(exc))
    if isinstance(exc, BaseHttpException) and exc.status_code < 500:
        detail = exc.data if exc.status_code == 422 and exc.data is not None else exc.message
        response = json_response(req, {"detail": detail}, exc.status_code)
        response.headers.update(exc.headers)
        return response
    return None


def _schedule(req: Request, tasks: list[BackgroundTask], logger: Logger) -> None:
    async def run_tasks() -> None:
        for fn, args, kwargs in tasks:
            try:
                await call_maybe_sync(lambda f=fn, a=args, k=kwargs: f(*a, **k))
            except Exception as exc:  # a failed task must not affect other tasks or the server
                logger.opt(exception=exc).error(f"Background task {getattr(fn, '__name__', fn)!r} failed")

    req.call_after_response(run_tasks)


# -- handler generation -------------------------------------------------------------------------

_OPERATIONS = (
    # (name, HTTP method, detail route, override, status)
    ("list", "GET", False, "get", 200),
    ("create", "POST", False, "post", 201),
    ("retrieve", "GET", True, "get", 200),
    ("update", "PUT", True, "put", 200),
    ("partial_update", "PATCH", True, "patch", 200),
    ("destroy", "DELETE", True, "delete", 204),
)
_SUMMARIES = {
    "list": "List {singular}",
    "create": "Create {singular}",
    "retrieve": "Get one {singular}",
    "update": "Replace {singular} (send the version you read)",
    "partial_update": "Update fields of {singular} (send the version you read)",
    "destroy": "Delete {singular}",
}


def _handler(cls: type[RestEndpoint], operation: str, override: str) -> Callable[..., Any]:
    """The handler body of one operation (the signature is set by the caller)."""
    custom = getattr(cls, override, None)

    async def handler(self: Controller, req: Request, **kwargs: object) -> Any:
        endpoint = cast(RestEndpoint, kwargs.pop(ENDPOINT_KWARG))  # RestStep put it there
        if operation == "list":  # only the list route has query parameters (any names)
            endpoint.params = kwargs
        pk = kwargs.get("id")
        body = kwargs.get("body")
        if custom is not None:
            return await call_maybe_sync(custom, endpoint, req)
        if operation == "list":
            return await call_maybe_sync(endpoint.list, req)
        if operation == "retrieve":
            return await call_maybe_sync(endpoint.retrieve, req, pk)
        if operation == "create":
            return await call_maybe_sync(endpoint.create, body)
        if operation == "destroy":
            return await call_maybe_sync(endpoint.destroy, req, pk)
        return await call_maybe_sync(endpoint.update, body, pk, operation == "partial_update")

    return handler


def _query_parameters(spec: ResourceSpec) -> dict[str, tuple[Any, Any]]:
    params: dict[str, tuple[Any, Any]] = {}
    sources: list[Any] = [*spec.filters]
    if spec.paginator is not None:
        sources.append(spec.paginator)
    for source in sources:
        declare = getattr(source, "query_parameters", None)
        if not callable(declare):
            continue
        declared = declare(spec) if source is not spec.paginator else declare()
        for key, value in declared.items():
            if key in params or key in ("self", "req", ENDPOINT_KWARG):
                raise ConfigurationError(f"RestEndpoint {spec.name}: query parameter {key!r} is declared twice or reserved")
            params[key] = value
    return params


def _sign(
    func: Callable[..., Any], spec: ResourceSpec, operation: str, body: type[BaseModel] | None, query: dict[str, tuple[Any, Any]]
) -> None:
    """Give ``func`` the signature and annotations the pipeline and OpenAPI read."""
    P = inspect.Parameter
    params = [P("self", P.POSITIONAL_OR_KEYWORD), P("req", P.POSITIONAL_OR_KEYWORD, annotation=Request)]
    annotations: dict[str, Any] = {"req": Request}
    assert spec.info is not None
    if operation in ("retrieve", "update", "partial_update", "destroy"):
        params.append(P("id", P.KEYWORD_ONLY, annotation=spec.info.pk_type))
        annotations["id"] = spec.info.pk_type
    if body is not None:
        params.append(P("body", P.KEYWORD_ONLY, annotation=body))
        annotations["body"] = body
    if operation == "list":
        for name, (annotation, default) in query.items():
            params.append(P(name, P.KEYWORD_ONLY, annotation=annotation, default=default))
            annotations[name] = annotation
    func.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    func.__annotations__ = annotations


def _route(spec: ResourceSpec) -> str:
    pk_type = spec.info.pk_type if spec.info is not None else int
    kind = {int: "int", str: "string"}.get(pk_type)
    if kind is None:
        import uuid

        kind = "uuid" if pk_type is uuid.UUID else "string"
    return f"/<{kind}:id>"


def build_controller(api: ControllerApi, cls: type[RestEndpoint]) -> type[Controller]:
    """The controller class serving resource ``cls`` (register it at the resource's URL)."""
    spec = cls._resource
    assert spec.schemas is not None and spec.list_model is not None
    query = _query_parameters(spec)
    singular = spec.name.removesuffix("Endpoint") or spec.name
    namespace: dict[str, Any] = {"__doc__": inspect.getdoc(cls) or f"The {singular} resource.", "__module__": cls.__module__}
    security_requirement, schemes = security(spec, api)
    tags = spec.tags or [spec.name]
    for operation, method, detail, override, status in _OPERATIONS:
        if method not in spec.methods:
            continue
        custom = getattr(cls, override, None)
        body: type[BaseModel] | None = None
        if method in ("POST", "PUT", "PATCH") and custom is None:
            body = {"POST": spec.schemas.create, "PUT": spec.schemas.update, "PATCH": spec.schemas.patch}[method]
        func = _handler(cls, operation, override)
        func.__name__ = func.__qualname__ = operation
        func.__module__ = cls.__module__
        summary = _SUMMARIES[operation].format(singular=singular)
        doc = inspect.getdoc(custom) if custom is not None else None
        func.__doc__ = doc or summary
        _sign(func, spec, operation, body, query)
        endpoint = endpoint_spec(func)
        endpoint.methods.append((method, _route(spec) if detail else ""))
        endpoint.status_code = status
        if body is not None:
            endpoint.consumes = "application/json"
        endpoint.tags = list(tags)
        endpoint.summary = doc.split("\n\n", 1)[0].replace("\n", " ") if doc else summary
        endpoint.wrappers.append(RestStep(api, cls, method))
        endpoint.descriptors.extend(responses(spec, operation, status, body, security_requirement is not None))
        if security_requirement is not None:
            method_security = list(security_requirement)
            if allows_anyone(spec, method):
                method_security.append({})
            endpoint.extra["security"] = method_security
            endpoint.extra["security_schemes"] = schemes
        if custom is not None and method in ("POST", "PUT", "PATCH"):
            model = {"POST": spec.schemas.create, "PUT": spec.schemas.update, "PATCH": spec.schemas.patch}[method]
            content = {"application/json": {"schema": model.model_json_schema(ref_template="#/components/schemas/{model}")}}
            endpoint.extra["openapi"] = {"requestBody": {"required": True, "content": content}}
        namespace[operation] = func
    controller = type(spec.name, (Controller,), namespace)
    controller_spec(controller).tags = list(tags)
    return controller
