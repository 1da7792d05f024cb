"""The application: ``@app(__name__, configs=Config) class Application(Surge)``.

This module is registration and lifecycle. What happens to a request lives in ``surge._asgi``
(dispatch, the one error path, websockets, lifespan); endpoints are compiled by
``surge.controller`` from a :class:`CompileContext`, never from the app itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import ValidationError

from surge._app_features import AppFeatures
from surge._asgi.errors import ErrorResponder, default_http_exception, default_validation_error
from surge._asgi.handlers import exception_handlers
from surge._asgi.http import AsgiApplication, Dispatch, HttpChain, build_chain
from surge._asgi.lifespan import StartGate
from surge._asgi.mounts import Composition
from surge._asgi.websocket import WebsocketServer
from surge._imports import import_string
from surge.cli.app_commands import run_app_cli
from surge.cli.controller import CLIController
from surge.config import BaseConfig, ConfigAccess, ConfigSource, load_config
from surge.controller.compiler import compile_route
from surge.controller.context import CompileContext
from surge.controller.controller import Controller
from surge.controller.registration import controller_routes
from surge.deploy_checks import log_deploy_warnings
from surge.di import registry_of
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.handler import ExceptionHandler
from surge.exceptions.http import BaseHttpException
from surge.exceptions.registry import ExceptionRegistry
from surge.http.request import Request
from surge.http.response import Response
from surge.lifecycle import Hook, LifecycleHooks, LifespanFactory, on_shutdown, on_startup
from surge.logging.base import LoggerBase
from surge.logging.setup import configure_default_logger
from surge.middleware.base import MiddlewareBase
from surge.middleware.cors import CorsPolicy
from surge.openapi.controller import register_openapi
from surge.roles import Lifecycle, MiddlewareProvider
from surge.routing.router import Router
from surge.templating import TemplateContextProvider, Templates
from surge.upstreams.registry import Upstreams

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["Surge", "app", "on_shutdown", "on_startup"]

ConfigT = TypeVar("ConfigT", bound=BaseConfig)
S = TypeVar("S", bound="type[Surge]")


def app(import_name: str, configs: ConfigSource = None, **_: object) -> Callable[[S], S]:
    """Class decorator binding an application class to its import name and config class."""

    def decorator(cls: S) -> S:
        cls.import_name_default = import_name
        cls.configs_source = configs
        return cls

    return decorator


class Surge(AppFeatures, Composition, AsgiApplication, ConfigAccess, Generic[ConfigT]):
    """An ASGI application configured by a :class:`BaseConfig` subclass.

    Construction loads the config and imports and registers everything the registries list
    (``CONTROLLERS``, ``EXTENSIONS``, ...). Startup (the ASGI lifespan, or the first request
    when the server sends none) compiles one pipeline per endpoint and runs the extensions'
    and the app's startup methods. After that the setup is frozen. ``Surge[Config]`` is for
    the type checker only.
    """

    import_name_default: str = "__main__"
    configs_source: ConfigSource = None

    def __init__(
        self, import_name: str | None = None, configs: ConfigSource = None, *, cli_mode: bool = False,
        lifespan: LifespanFactory | None = None,  # Starlette's: an async context manager around start and stop
    ) -> None:  # fmt: skip
        self.import_name = import_name or self.import_name_default
        self.cli_mode = cli_mode  # PyJolt's: register models, extensions, dependencies and CLI commands only
        config = self._config = load_config(configs or self.configs_source)
        self.debug: bool = bool(config.DEBUG)
        self.request_class: type[Request] = config.REQUEST_CLASS
        self.response_class: type[Response] = config.RESPONSE_CLASS
        self.max_content_length: int = int(config.MAX_CONTENT_LENGTH)
        self.body_timeout, self.shutdown_timeout = float(config.BODY_TIMEOUT), float(config.SHUTDOWN_TIMEOUT)
        self._logger = configure_default_logger(dict(config.DEFAULT_LOGGER), config.APP_NAME, self.debug)
        self.extensions: dict[str, Any] = {}
        self.state: dict[str, Any] = {}
        self.router = Router(strict_slashes=config.STRICT_SLASHES)
        self.ws_router = Router(strict_slashes=config.STRICT_SLASHES)
        self.exception_registry = ExceptionRegistry()
        self.exception_registry.add(BaseHttpException, default_http_exception)
        self.exception_registry.add(ValidationError, default_validation_error)
        self.cors_policy: CorsPolicy | None = CorsPolicy.from_config(self) if config.CORS_ENABLED else None
        self.controllers: dict[str, Controller] = {}
        self.cli_controllers: list[CLIController] = []
        self.loggers: list[LoggerBase] = []
        self.models: list[Any] = []
        self.dependency_overrides: dict[Any, Any] = {}
        self.access_log = self.debug if config.ACCESS_LOG is None else bool(config.ACCESS_LOG)
        self._middleware: list[type[MiddlewareBase] | MiddlewareBase] = []
        self._hooks = LifecycleHooks(self, lifespan)
        self.upstream = Upstreams(self).get  # UPSTREAMS: app.upstream(name), closed at shutdown
        self._templates: Templates | None = None
        self._compiled = False
        self._servers: tuple[HttpChain, WebsocketServer] | None = None  # built by compile()
        self._http: HttpChain | None = None  # set once startup has finished
        self._websocket: WebsocketServer | None = None
        self._gate = StartGate()
        self._register_from_config()

    @property
    def app(self) -> Surge[ConfigT]:
        """The app itself (controllers and extensions expose ``.app`` too)."""
        return self

    @property
    def logger(self) -> Logger:
        """The app's loguru logger."""
        return self._logger

    # -- registration --------------------------------------------------------------------------
    def _register_from_config(self) -> None:
        config, serving = self._config, not self.cli_mode
        for target in config.LOGGERS if serving else []:
            self.add_logger(import_string(target, "LOGGERS"))
        for target in config.EXCEPTION_HANDLERS if serving else []:
            self.add_exception_handler(import_string(target, "EXCEPTION_HANDLERS"))
        self.models.extend(import_string(target, "MODELS") for target in config.MODELS)
        for target in config.EXTENSIONS:
            self.add_extension(import_string(target, "EXTENSIONS"))
        for target in config.DEPENDENCIES:
            self.add_dependency(import_string(target, "DEPENDENCIES"))
        for target in config.MIDDLEWARE if serving else []:
            self.add_middleware(import_string(target, "MIDDLEWARE"))
        for target in config.CONTROLLERS if serving else []:
            self.register_controller(import_string(target, "CONTROLLERS"))
        self.cli_controllers.extend(import_string(t, "CLI_CONTROLLERS")(self) for t in config.CLI_CONTROLLERS)
        if serving:
            self._register_file_folders()  # STATIC_DIR, MEDIA_DIR (surge._app_features)
        if serving:
            register_openapi(self)

    def _check_not_started(self, what: str) -> None:
        if self._compiled:
            raise RuntimeError(f"Cannot {what} after the application has started")

    def add_extension(self, extension: Any) -> None:
        """Initialize an extension object with this app (``init_app``), then take what its roles provide."""
        self._check_not_started("add an extension")
        if not callable(getattr(type(extension), "init_app", None)):
            raise ImproperlyConfigured(f"Extension {extension!r} has no init_app(app) method")
        extension.init_app(self)
        if isinstance(extension, Lifecycle):
            self._hooks.add_startup(extension.startup)
            self._hooks.add_shutdown(extension.shutdown)
        if isinstance(extension, MiddlewareProvider):
            for middleware in extension.middleware():
                self.add_middleware(middleware)
        if isinstance(extension, TemplateContextProvider):
            self.templates.add_context_processor(extension.template_context)

    def add_dependency(self, provider: Any, **options: Any) -> None:
        """Register a dependency provider (see :mod:`surge.di`); options: ``provides``, ``scope``."""
        self._check_not_started("add a dependency provider")
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
        for exc_type, handler in exception_handlers(handler_class(self)):  # -> Response[Model] shapes the body
            self.exception_registry.add(exc_type, handler)

    def add_logger(self, logger_class: type[LoggerBase]) -> None:
        """Add a custom sink (a :class:`LoggerBase` subclass)."""
        instance = logger_class(self)
        instance.add()
        self.loggers.append(instance)

    def add_on_startup_method(self, func: Hook) -> None:
        """Run ``func`` at startup, after the extensions."""
        self._hooks.add_startup(func)

    def add_on_shutdown_method(self, func: Hook) -> None:
        """Run ``func`` at shutdown, before the extensions close."""
        self._hooks.add_shutdown(func)

    def register_controller(self, controller: type[Controller], url_path: str | None = None) -> Controller:
        """Register a controller class: one instance, one route per endpoint method."""
        self._check_not_started("register a controller")
        if not (isinstance(controller, type) and issubclass(controller, Controller)):
            raise ImproperlyConfigured(f"{controller!r} must subclass surge.controller.Controller")
        instance = controller(self)
        self.controllers[controller.__name__] = instance
        for method, rule, info in controller_routes(controller, instance, debug=self.debug, url_path=url_path):
            router = self.ws_router if method == "WEBSOCKET" else self.router
            router.add(method, rule, info.name, info)
        return instance

    def url_for(self, endpoint: str, _external: bool = False, _scheme: str = "https", **values: Any) -> str:
        """The URL of ``"Controller.method"`` with its route parameters; extras become the query.

        ``_external=True`` prefixes ``_scheme://SERVER_NAME``: never the request's Host, which a
        client can forge.

        Raises:
            KeyError: unknown endpoint. ValueError: a route parameter is missing.
            ImproperlyConfigured: ``_external=True`` without ``SERVER_NAME``.
        """
        try:
            url = self.router.url_for(endpoint, values)
        except KeyError:
            url = self.ws_router.url_for(endpoint, values)
        if not _external:
            return url
        if not self._config.SERVER_NAME:
            raise ImproperlyConfigured('url_for(_external=True) needs SERVER_NAME (e.g. "example.com")')
        return f"{_scheme}://{self._config.SERVER_NAME}{url}"

    # -- lifecycle ------------------------------------------------------------------------------
    def compile(self) -> None:
        """Compile every endpoint (once); startup does this, tools and tests may call it earlier.

        Raises:
            ImproperlyConfigured: a handler parameter cannot be sourced (named with the handler).
            DependencyError: a dependency is missing, cyclic or in the wrong scope.
        """
        if self._compiled:
            return
        registry = registry_of(self)
        respond = ErrorResponder(self.exception_registry, self.response_class, debug=self.debug, logger=self._logger)
        context = CompileContext(self, self._logger, self.extensions, registry, self.cors_policy, respond)
        for route in (*self.router.routes, *self.ws_router.routes):
            compile_route(context, route)
        registry.prepare()  # checks unused providers too; hooks app-scoped values into the lifespan
        self._compiled = True
        dispatch = Dispatch(self.router, respond, self.response_class, self.cors_policy)
        entry = self._mounted_http(build_chain(self, dispatch, self._middleware, respond))
        http = HttpChain(entry, respond, self._logger if self.access_log else None)
        self._servers = (http, self._mounted_websocket(WebsocketServer(self, self.ws_router, self.request_class)))

    async def startup(self) -> None:
        """Compile endpoints, start extensions, run ``@on_startup`` methods (once).

        Requests are served only once this has finished.
        """
        if self._http is not None:
            return
        self.compile()
        for custom in self.loggers:  # re-add sinks that a previous shutdown removed
            custom.add()
        await self._hooks.run_startup()
        await self._features_started()  # events, websocket registry (surge._app_features)
        if not self.debug:  # DEBUG on is announced by `surge run`; here, say what production needs
            log_deploy_warnings(self, self._logger)
        assert self._servers is not None
        self._http, self._websocket = self._servers

    async def shutdown(self) -> None:
        """Run ``@on_shutdown`` methods, stop extensions, remove custom log sinks."""
        if self._http is None:
            return
        self._http = self._websocket = None
        await self._features_stopping()
        await self._hooks.run_shutdown()
        for custom in self.loggers:
            await custom.remove()
        self._gate.reset()

    def run_cli(self, argv: list[str] | None = None) -> int:
        """Run a CLI command of this app (``CLI_CONTROLLERS`` and extension commands)."""
        return run_app_cli(self, sys.argv[1:] if argv is None else argv)
