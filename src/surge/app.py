"""The application: ``@app(__name__, configs=Config) class Application(Surge)``."""

from __future__ import annotations

import inspect
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import ValidationError

from surge._imports import import_string
from surge._protocols import run_lifespan, serve_websocket
from surge.config import BaseConfig
from surge.controller._compile import compile_route, endpoint_cors_policy
from surge.controller.controller import Controller
from surge.controller.spec import ControllerSpec, EndpointSpec, controller_spec, find_endpoint_spec
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.handler import (
    ExceptionHandler,
    ExceptionRegistry,
    default_http_exception,
    default_validation_error,
)
from surge.exceptions.http import BaseHttpException, MethodNotAllowed, NotFound
from surge.http.request import AFTER_RESPONSE, Request
from surge.http.response import Response
from surge.logging.base import LoggerBase
from surge.logging.setup import configure_default_logger
from surge.middleware.base import MiddlewareBase
from surge.middleware.cors import CorsPolicy, preflight_response
from surge.roles import Lifecycle, MiddlewareProvider
from surge.routing.router import Router
from surge.routing.rules import join_paths
from surge.static import Static
from surge.templating import TemplateContextProvider, Templates

__all__ = ["EndpointInfo", "Surge", "app", "on_shutdown", "on_startup"]

S = TypeVar("S", bound="type[Surge]")
F = TypeVar("F", bound=Callable[..., Any])


def app(import_name: str, configs: type[BaseConfig] | BaseConfig | None = None, **_: Any) -> Callable[[S], S]:
    """Class decorator binding an application class to its import name and config class."""

    def decorator(cls: S) -> S:
        cls._import_name = import_name
        cls._configs_source = configs
        return cls

    return decorator


def on_startup(func: F) -> F:
    """Run this app method at startup (methods run in alphabetical order)."""
    func.__surge_lifecycle__ = "startup"  # type: ignore[attr-defined]
    return func


def on_shutdown(func: F) -> F:
    """Run this app method at shutdown (methods run in alphabetical order)."""
    func.__surge_lifecycle__ = "shutdown"  # type: ignore[attr-defined]
    return func


class EndpointInfo:
    """What the app knows about one registered endpoint (for OpenAPI and tooling)."""

    __slots__ = ("controller", "controller_spec", "func", "instance", "name", "params", "spec")

    def __init__(self, name: str, controller: type, instance: Any, func: Any, spec: EndpointSpec, cspec: ControllerSpec):
        self.name = name
        self.controller = controller
        self.instance = instance
        self.func = func
        self.spec = spec
        self.controller_spec = cspec
        self.params: Any = None


class Surge:
    """An ASGI application configured by a :class:`BaseConfig` subclass.

    Construction loads the config and imports and registers everything the registries list
    (``CONTROLLERS``, ``EXTENSIONS``, ...). Startup (the ASGI lifespan, or the first request
    when the server sends none) compiles one pipeline per endpoint and runs the extensions'
    and the app's startup methods. After that the setup is frozen.
    """

    _import_name: str = "__main__"
    _configs_source: type[BaseConfig] | BaseConfig | None = None

    def __init__(self, import_name: str | None = None, configs: type[BaseConfig] | BaseConfig | None = None) -> None:
        self.import_name = import_name or self._import_name
        self._config = self._load_config(configs or self._configs_source)
        config = self._config
        self.debug: bool = bool(config.DEBUG)
        self.request_class: type[Request] = config.REQUEST_CLASS
        self.response_class: type[Response] = config.RESPONSE_CLASS
        self._max_content_length: int = int(config.MAX_CONTENT_LENGTH)
        self._logger = configure_default_logger(dict(config.DEFAULT_LOGGER), config.APP_NAME)
        self.extensions: dict[str, Any] = {}
        self.state: dict[str, Any] = {}
        self.router = Router(strict_slashes=config.STRICT_SLASHES)
        self.ws_router = Router(strict_slashes=config.STRICT_SLASHES)
        self.exception_registry = ExceptionRegistry()
        self.exception_registry.add(BaseHttpException, default_http_exception)
        self.exception_registry.add(ValidationError, default_validation_error)
        self.cors_policy: CorsPolicy | None = CorsPolicy.from_config(config) if config.CORS_ENABLED else None
        self.controllers: dict[str, Controller] = {}
        self.cli_controllers: list[Any] = []
        self.loggers: list[LoggerBase] = []
        self.models: list[Any] = []
        self.dependency_overrides: dict[Any, Any] = {}
        self._middleware: list[type[MiddlewareBase] | MiddlewareBase] = []
        self._startup_hooks: list[Callable[[], Awaitable[Any]]] = []
        self._shutdown_hooks: list[Callable[[], Awaitable[Any]]] = []
        self._entry: Callable[[Request], Awaitable[Response]] | None = None
        self._started = False
        self._templates: Templates | None = None
        self.access_log = self.debug if config.ACCESS_LOG is None else bool(config.ACCESS_LOG)
        self._register_from_config()

    # -- configuration --------------------------------------------------------------------------
    @staticmethod
    def _load_config(source: type[BaseConfig] | BaseConfig | None) -> BaseConfig:
        if source is None:
            return BaseConfig()
        if isinstance(source, BaseConfig):
            return source
        try:
            return source()
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ImproperlyConfigured(f"Invalid configuration in {source.__name__}: {problems}") from None

    def get_conf(self, config_name: str, default: Any = ...) -> Any:
        """The config value ``config_name``.

        Raises:
            KeyError: the key is absent and no default was given.
        """
        value = getattr(self._config, config_name, ...)
        if value is ...:
            if default is ...:
                raise KeyError(f"Configuration {config_name!r} is not set")
            return default
        return value

    @property
    def configs(self) -> dict[str, Any]:
        """The whole configuration as a dict."""
        return self._config.model_dump()

    @property
    def config(self) -> BaseConfig:
        """The configuration object."""
        return self._config

    @property
    def root_path(self) -> str:
        """The app's base folder (``BASE_PATH``)."""
        return os.path.abspath(self._config.BASE_PATH)

    @property
    def app(self) -> Surge:
        """The app itself (controllers and extensions expose ``.app`` too)."""
        return self

    def _under_root(self, folder: str) -> str:
        return os.path.join(self.root_path, folder.strip("/\\"))

    @property
    def static_files_path(self) -> str:
        """The static files folder."""
        return self._under_root(self._config.STATIC_DIR)

    @property
    def templates_path(self) -> str:
        """The templates folder."""
        return self._under_root(self._config.TEMPLATES_DIR)

    @property
    def version(self) -> str:
        """``VERSION``."""
        return self._config.VERSION

    @property
    def app_name(self) -> str:
        """``APP_NAME``."""
        return self._config.APP_NAME

    @property
    def logger(self) -> Any:
        """The app's loguru logger."""
        return self._logger

    @property
    def templates(self) -> Templates:
        """The Jinja2 template environment (created on first use)."""
        if self._templates is None:
            self._templates = Templates(self, self.templates_path, strict=self._config.TEMPLATES_STRICT)
        return self._templates

    # -- registration --------------------------------------------------------------------------
    def _register_from_config(self) -> None:
        config = self._config
        for target in config.LOGGERS:
            self.add_logger(import_string(target, "LOGGERS"))
        for target in config.EXCEPTION_HANDLERS:
            self.add_exception_handler(import_string(target, "EXCEPTION_HANDLERS"))
        for target in config.MODELS:
            self.models.append(import_string(target, "MODELS"))
        for target in config.EXTENSIONS:
            self.add_extension(import_string(target, "EXTENSIONS"))
        for target in config.DEPENDENCIES:
            self.add_dependency(import_string(target, "DEPENDENCIES"))
        for target in config.MIDDLEWARE:
            self.add_middleware(import_string(target, "MIDDLEWARE"))
        for target in config.CONTROLLERS:
            self.register_controller(import_string(target, "CONTROLLERS"))
        for target in config.CLI_CONTROLLERS:
            self.cli_controllers.append(import_string(target, "CLI_CONTROLLERS")(self))
        if os.path.isdir(self.static_files_path):
            self.register_controller(Static, url_path=self._config.STATIC_URL)
        from surge.openapi.controller import register_openapi

        register_openapi(self)

    def _check_not_started(self, what: str) -> None:
        if self._started:
            raise RuntimeError(f"Cannot {what} after the application has started")

    def add_extension(self, extension: Any) -> None:
        """Initialize an extension object with this app (``init_app``), then take what its roles provide."""
        self._check_not_started("add an extension")
        init_app = getattr(type(extension), "init_app", None)
        if not callable(init_app):
            raise ImproperlyConfigured(f"Extension {extension!r} has no init_app(app) method")
        extension.init_app(self)
        if isinstance(extension, Lifecycle):
            self._startup_hooks.append(extension.startup)
            self._shutdown_hooks.insert(0, extension.shutdown)
        if isinstance(extension, MiddlewareProvider):
            for middleware in extension.middleware():
                self.add_middleware(middleware)
        if isinstance(extension, TemplateContextProvider):
            self.templates.add_context_processor(extension.template_context)

    def add_dependency(self, provider: Any, **options: Any) -> None:
        """Register a dependency provider (see :mod:`surge.di`); options: ``provides``, ``scope``."""
        self._check_not_started("add a dependency provider")
        from surge.di import registry_of

        registry_of(self).register(provider, **options)

    def add_middleware(self, middleware: type[MiddlewareBase] | MiddlewareBase) -> None:
        """Append a middleware class (built with the app) or instance (the first added is the outermost)."""
        self._check_not_started("add middleware")
        is_class = isinstance(middleware, type) and issubclass(middleware, MiddlewareBase)
        if not (is_class or isinstance(middleware, MiddlewareBase)):
            raise ImproperlyConfigured(f"Middleware {middleware!r} must subclass surge.middleware.MiddlewareBase")
        self._middleware.append(middleware)

    def add_exception_handler(self, handler_class: type[ExceptionHandler]) -> None:
        """Register an :class:`ExceptionHandler` subclass."""
        if not (isinstance(handler_class, type) and issubclass(handler_class, ExceptionHandler)):
            raise ImproperlyConfigured(f"{handler_class!r} must subclass surge.exceptions.ExceptionHandler")
        self.exception_registry.add_handler_class(handler_class(self))

    def add_logger(self, logger_class: type[LoggerBase]) -> None:
        """Add a custom sink (a :class:`LoggerBase` subclass)."""
        instance = logger_class(self)
        instance.add()
        self.loggers.append(instance)

    def add_on_startup_method(self, func: Callable[[], Awaitable[Any]]) -> None:
        """Run ``func`` at startup, after the extensions."""
        self._startup_hooks.append(func)

    def add_on_shutdown_method(self, func: Callable[[], Awaitable[Any]]) -> None:
        """Run ``func`` at shutdown, before the extensions close."""
        self._shutdown_hooks.insert(0, func)

    def register_controller(self, controller: type[Controller], url_path: str | None = None) -> Controller:
        """Register a controller class: one instance, one route per endpoint method."""
        self._check_not_started("register a controller")
        if not (isinstance(controller, type) and issubclass(controller, Controller)):
            raise ImproperlyConfigured(f"{controller!r} must subclass surge.controller.Controller")
        cspec = controller_spec(controller)
        instance = controller(self)
        name = controller.__name__
        self.controllers[name] = instance
        if cspec.development and not self.debug:
            return instance
        prefix = cspec.path if url_path is None else url_path
        for attr_name in dir(controller):
            func = getattr(controller, attr_name, None)
            spec = find_endpoint_spec(func)
            if spec is None or not spec.methods or (spec.development and not self.debug):
                continue
            endpoint_name = f"{name}.{attr_name}"
            info = EndpointInfo(endpoint_name, controller, instance, func, spec, cspec)
            for method, sub_path in spec.methods:
                rule = join_paths(prefix, sub_path)
                router = self.ws_router if method == "WEBSOCKET" else self.router
                router.add(method, rule, endpoint_name, info)
        return instance

    # -- url building ---------------------------------------------------------------------------
    def url_for(self, endpoint: str, **values: Any) -> str:
        """The URL of ``"Controller.method"`` with its route parameters; extras become the query.

        Raises:
            KeyError: unknown endpoint. ValueError: a route parameter is missing.
        """
        try:
            return self.router.url_for(endpoint, values)
        except KeyError:
            return self.ws_router.url_for(endpoint, values)

    # -- compilation ----------------------------------------------------------------------------
    def _compile(self) -> None:
        """Compile every endpoint and the middleware chain (once)."""
        if self._entry is not None:
            return
        from surge.di import registry_of

        registry = registry_of(self)
        for router in (self.router, self.ws_router):
            for route in router.routes:
                compile_route(self, route, registry)
        registry.prepare()  # checks unused providers too; hooks app-scoped values into the lifespan
        entry: Callable[[Request], Awaitable[Response]] = self._dispatch
        for middleware in reversed(self._middleware):
            instance = middleware if isinstance(middleware, MiddlewareBase) else middleware(self, entry)
            entry = instance.chain(entry)
        self._entry = entry

    def _cors_for(self, spec: EndpointSpec, cspec: ControllerSpec) -> CorsPolicy | None:
        return endpoint_cors_policy(self.cors_policy, self._config, spec, cspec)

    # -- request handling -------------------------------------------------------------------------
    async def _dispatch(self, req: Request) -> Response:
        """Route ``req`` and run its endpoint; exceptions become responses here."""
        try:
            route, params = self.router.match(req.scope["method"], req.scope["path"])
            req.route_parameters = params
            req.endpoint = route
            return await route.handler(req)
        except MethodNotAllowed as exc:
            if req.scope["method"] == "OPTIONS":
                return self._options(req, exc.allowed)
            return await self._handle_exception(req, exc)
        except Exception as exc:
            return await self._handle_exception(req, exc)

    def _options(self, req: Request, allowed: list[str]) -> Response:
        """Automatic OPTIONS: CORS preflight when asked, else ``Allow``."""
        response = self.response_class(req)
        origin = req.header(b"origin")
        requested = req.header(b"access-control-request-method")
        if origin is not None and requested is not None:
            policy = self._preflight_policy(req.path, requested.upper())
            if policy is not None:
                asked_headers = req.header(b"access-control-request-headers")
                return preflight_response(response, policy, origin, requested.upper(), asked_headers)
        response.headers["Allow"] = ", ".join(allowed)
        return response.no_content()

    def _preflight_policy(self, path: str, method: str) -> CorsPolicy | None:
        try:
            route, _ = self.router.match(method, path)
        except NotFound:  # MethodNotAllowed is a NotFound too
            return self.cors_policy
        info: EndpointInfo = route.info
        return self._cors_for(info.spec, info.controller_spec)

    async def _handle_exception(self, req: Request, exc: BaseException) -> Response:
        """Turn ``exc`` into a response with the most specific registered handler."""
        handler = self.exception_registry.find(type(exc))
        if handler is not None:
            try:
                return await handler(req, exc)
            except Exception as handler_exc:
                exc = handler_exc
                if isinstance(handler_exc, BaseHttpException):
                    return await default_http_exception(req, handler_exc)
        if self.debug:
            raise exc
        self._logger.opt(exception=exc).critical(f"Unhandled exception in {req.method} {req.path}")
        body = {"status": "error", "message": "Internal server error"}
        return self.response_class(req).json(body).status(500)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The ASGI entry point."""
        kind = scope["type"]
        if kind == "http":
            entry = self._entry
            if entry is None:
                await self.startup()
                entry = self._entry
                assert entry is not None
            req = self.request_class(scope, receive, send, self)
            started = time.perf_counter() if self.access_log else 0.0
            try:
                try:
                    response = await entry(req)
                except Exception as exc:
                    try:
                        response = await self._handle_exception(req, exc)
                    except Exception as unhandled:  # DEBUG only: show the error page, then let the server log it
                        await self._send_debug_page(req, unhandled, send, started)
                        raise
                await response(send, scope["method"] == "HEAD", req)
            finally:
                if AFTER_RESPONSE in scope:  # req.call_after_response(): DI teardown, background tasks
                    for callback in scope.pop(AFTER_RESPONSE):
                        await callback()
            if self.access_log:
                self._log_access(req, response.status_code, started)
        elif kind == "websocket":
            await serve_websocket(self, scope, receive, send)
        elif kind == "lifespan":
            await run_lifespan(self, receive, send)

    def _log_access(self, req: Request, status: int, started: float) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        self._logger.info(f"{req.method} {req.path} {status} {elapsed:.1f}ms")

    async def _send_debug_page(self, req: Request, exc: BaseException, send: Any, started: float) -> None:
        from surge.debug import debug_response

        await debug_response(req, exc)(send, req.method == "HEAD", req)
        if self.access_log:
            self._log_access(req, 500, started)

    # -- lifecycle ------------------------------------------------------------------------------
    def _lifecycle_methods(self, kind: str) -> list[Callable[[], Awaitable[Any]]]:
        methods = []
        for name in sorted(dir(type(self))):
            attr = getattr(type(self), name, None)
            if getattr(attr, "__surge_lifecycle__", None) == kind:
                methods.append(getattr(self, name))
        return methods

    async def startup(self) -> None:
        """Compile endpoints, start extensions, run ``@on_startup`` methods (once)."""
        if self._started:
            return
        self._compile()
        self._started = True
        for custom in self.loggers:  # re-add sinks that a previous shutdown removed
            custom.add()
        for hook in [*self._startup_hooks, *self._lifecycle_methods("startup")]:
            result = hook()
            if inspect.isawaitable(result):
                await result

    async def shutdown(self) -> None:
        """Run ``@on_shutdown`` methods, stop extensions, remove custom log sinks."""
        if not self._started:
            return
        for hook in [*self._lifecycle_methods("shutdown"), *self._shutdown_hooks]:
            result = hook()
            if inspect.isawaitable(result):
                await result
        for custom in self.loggers:
            await custom.remove()
        self._started = False

    # -- CLI ------------------------------------------------------------------------------------
    def run_cli(self, argv: list[str] | None = None) -> int:
        """Run a CLI command of this app (``CLI_CONTROLLERS`` and extension commands)."""
        from surge.cli.app_commands import run_app_cli

        return run_app_cli(self, sys.argv[1:] if argv is None else argv)
