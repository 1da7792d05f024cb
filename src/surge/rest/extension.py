"""``RestApi``: the extension that serves ``RestEndpoint`` resources in a Surge app.

Resources come from ``REST_API["ENDPOINTS"]`` (or a top-level ``REST_ENDPOINTS``) and from
``rest.register({...})`` in code. Each becomes a generated controller registered next to the
app's own, using the app's :class:`~surge.database.sql.SqlDatabase`.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from surge._imports import import_string
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import MethodNotAllowed
from surge.extension import BaseExtension, extensions_of, find_extension
from surge.rest._cache import ResponseCache
from surge.rest._ddl import create_tables
from surge.rest._limits import Limiter
from surge.rest._resource import bind_reflected
from surge.rest._runtime import Runtime
from surge.rest.config import RestApiConfig
from surge.rest.endpoint import RestEndpoint
from surge.rest.middleware import RestMiddleware
from surge.rest.options import RateLimit

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.auth.jwt_tokens import JwtCodec
    from surge.caching.extension import Cache
    from surge.database.sql import SqlDatabase
    from surge.http.request import Request
    from surge.http.response import Response
    from surge.rest.authentication import BaseAuthentication

__all__ = ["LoginValidator", "RestApi"]

LoginValidator = Callable[[str, str], "Mapping[str, Any] | None | Awaitable[Mapping[str, Any] | None]"]
"""``(username, password) -> user payload or None``, sync or async."""


@dataclass(frozen=True, slots=True)
class _Bound:
    """What ``configure`` finds and builds for the app."""

    config: RestApiConfig
    db: SqlDatabase
    limiter: Limiter
    response_cache: ResponseCache


class RestApi(BaseExtension[RestApiConfig]):
    """Serves REST resources (``RestEndpoint`` subclasses) in a Surge app.

    Args:
        configs_name: the config section (default ``REST_API``).
        db: the SqlDatabase to use (default: ``REST_API.DATABASE``, else the app's only one).
        login_validator: ``(username, password) -> dict | None`` (sync or async); enables
            ``POST /auth/login`` and ``/auth/token``.
        middlewares: :class:`surge.rest.RestMiddleware` classes or instances around every resource.
        rate_limiter: a global limit per client, ``{"requests": 100, "window": 60}``.
        endpoints: ``{"/books": BookEndpoint}`` to serve.
    """

    config_model = RestApiConfig

    def __init__(
        self,
        configs_name: str = "REST_API",
        *,
        db: SqlDatabase | None = None,
        login_validator: LoginValidator | None = None,
        middlewares: Iterable[RestMiddleware | type[RestMiddleware]] = (),
        rate_limiter: RateLimit | Mapping[str, int] | str | None = None,
        endpoints: Mapping[str, type[RestEndpoint]] | None = None,
    ) -> None:
        super().__init__(configs_name)
        self._db = db
        self._login_validator = login_validator
        self._middleware_args = list(middlewares)
        self._limit_arg = RateLimit.parse(rate_limiter)
        self._pending: list[tuple[str, type[RestEndpoint] | str]] = list((endpoints or {}).items())
        self._bound: _Bound | None = None
        self._resources: dict[type[RestEndpoint], str] = {}
        self._controllers: set[type] = set()
        self._runtimes: dict[type[RestEndpoint], Runtime] = {}
        self._jwt: JwtCodec | None = None
        self._login_registered = False
        self.middlewares: tuple[RestMiddleware, ...] = ()
        self.global_limit: RateLimit | None = None

    # -- setup ----------------------------------------------------------------------------------
    def configure(self, app: Surge, config: RestApiConfig) -> None:
        """Find the database, the rate limit store and the cache; register the configured resources.

        Raises:
            ImproperlyConfigured: no SqlDatabase is found, a value is wrong, or a resource is
                declared wrongly (the message names ``REST_API.KEY`` or the resource).
        """
        section = self.configs_name
        db = self._find_database(app, config)
        if config.LOGIN_VALIDATOR and self._login_validator is None:
            self._login_validator = import_string(config.LOGIN_VALIDATOR, f"{section}.LOGIN_VALIDATOR")
        try:
            self.global_limit = self._limit_arg or RateLimit.parse(config.RATE_LIMIT)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{section}.RATE_LIMIT: {exc}") from None
        middlewares: list[RestMiddleware | type[RestMiddleware]] = list(self._middleware_args)
        for index, name in enumerate(config.MIDDLEWARE):
            middlewares.append(import_string(name, f"{section}.MIDDLEWARE.{index}"))
        self.middlewares = tuple(m() if inspect.isclass(m) else m for m in middlewares)
        self._bound = _Bound(config, db, self._make_limiter(app, config), ResponseCache(self._find_cache(app, config)))
        self._install_method_not_allowed(app)
        endpoints: dict[str, type[RestEndpoint] | str] = dict(app.get_conf("REST_ENDPOINTS", None) or {})
        endpoints.update(config.ENDPOINTS)
        pending, self._pending = self._pending, []
        for url, target in [*endpoints.items(), *pending]:
            if isinstance(target, str):
                target = import_string(target, f"{section}.ENDPOINTS[{url!r}]")
            self._register_one(url, target)
        if self._login_validator is not None:
            self._register_login()

    def _state(self) -> _Bound:
        self.app  # noqa: B018 - the one "bound to an app" check
        assert self._bound is not None  # configure() sets it before anything can use it
        return self._bound

    def _find_database(self, app: Surge, config: RestApiConfig) -> SqlDatabase:
        from surge.database.sql import SqlDatabase

        if self._db is not None:
            return self._db
        found = extensions_of(app, SqlDatabase)
        if config.DATABASE is not None:
            for db in found:
                if config.DATABASE in (db.extension_name, db.db_name, db.configs_name):
                    return db
            raise ImproperlyConfigured(
                f"{self.configs_name}.DATABASE: no SqlDatabase named {config.DATABASE!r} in EXTENSIONS "
                f"(known: {[db.db_name for db in found]}); list it before the RestApi"
            )
        if len(found) == 1:
            return found[0]
        if not found:
            raise ImproperlyConfigured(
                f"RestApi ({self.configs_name}) needs a surge.database.sql.SqlDatabase listed in EXTENSIONS before it"
            )
        raise ImproperlyConfigured(
            f"{self.configs_name}.DATABASE: the app has several SqlDatabases {[db.db_name for db in found]}; name one"
        )

    def _make_limiter(self, app: Surge, config: RestApiConfig) -> Limiter:
        from surge.security.rate_limit import RateLimiter
        from surge.security.stores import create_store

        limiter = find_extension(app, RateLimiter)
        if limiter is not None:
            return Limiter(limiter.store, limiter.client_ip)
        store = create_store(self.configs_name, config.RATE_LIMIT_BACKEND, config.REDIS_URL, "surge:")
        return Limiter(store, owns_store=True)

    def _find_cache(self, app: Surge, config: RestApiConfig) -> Cache | None:
        from surge.caching.extension import Cache

        if config.CACHE is not None:
            found = find_extension(app, Cache, config.CACHE)
            if found is None:
                raise ImproperlyConfigured(f"{self.configs_name}.CACHE: no Cache extension named {config.CACHE!r}")
            return found
        return find_extension(app, Cache)

    def _install_method_not_allowed(self, app: Surge) -> None:
        """405 on a resource answers the seed's body; other routes keep the app's handler."""
        registry = app.exception_registry
        previous = registry.find(MethodNotAllowed)

        async def method_not_allowed(req: Request, exc: BaseException) -> Response:
            assert isinstance(exc, MethodNotAllowed)
            verbs = [verb for verb in exc.allowed if verb not in ("HEAD", "OPTIONS")]
            if verbs and self._serves(app, verbs[0], req.path):
                from surge.rest._crud import json_response

                response = json_response(req, {"detail": f"Method Not Allowed. Allowed: {', '.join(verbs)}"}, 405)
                response.headers.update(exc.headers)
                return response
            assert previous is not None
            return await previous(req, exc)

        registry.add(MethodNotAllowed, method_not_allowed)

    def _serves(self, app: Surge, method: str, path: str) -> bool:
        try:
            route, _ = app.router.match(method, path)
        except Exception:
            return False
        return route.info is not None and route.info.controller in self._controllers

    # -- registration ---------------------------------------------------------------------------
    def register(self, mapping: Mapping[str, type[RestEndpoint]]) -> None:
        """Serve each ``{"/url": EndpointClass}`` (before the app starts).

        Raises:
            ConfigurationError: a class is not a RestEndpoint, or a reflected table is missing.
        """
        if self._app is None:  # not bound yet: registered by configure()
            self._pending.extend(mapping.items())
            return
        for url, cls in mapping.items():
            self._register_one(url, cls)

    def _register_one(self, url: str, cls: object) -> None:
        from surge.rest._controller import build_controller
        from surge.rest.errors import ConfigurationError

        if not (isinstance(cls, type) and issubclass(cls, RestEndpoint)) or "_resource" not in vars(cls):
            raise ConfigurationError(f"{self.configs_name}: {url!r} must map to a concrete RestEndpoint subclass, got {cls!r}")
        spec = cls._resource
        if not spec.bound:
            db = self.db
            bind_reflected(spec, db.db_uri, dict(db.config.ENGINE_OPTIONS))
            cls._publish()
        controller = build_controller(self, cls)
        self.app.register_controller(controller, url_path=url)
        self._controllers.add(controller)
        self._resources[cls] = url
        auth = spec.authentication
        backend = auth.backend if auth is not None else None
        if backend is not None and not self._login_registered:
            from surge.rest.authentication import BaseAuthentication

            kind = backend if inspect.isclass(backend) else type(backend)
            if getattr(kind, "validate_credentials", None) is not BaseAuthentication.validate_credentials:
                self._register_login()

    def _register_login(self) -> None:
        if self._login_registered:
            return
        from surge.rest._login import build_login_controller

        self.app.register_controller(build_login_controller(self), url_path=self.config.LOGIN_PATH)
        self._login_registered = True

    # -- what resources use -------------------------------------------------------------------
    @property
    def config(self) -> RestApiConfig:
        """The validated ``REST_API`` section."""
        return self._state().config

    @property
    def db(self) -> SqlDatabase:
        """The SqlDatabase the resources live in."""
        return self._state().db

    @property
    def limiter(self) -> Limiter:
        """Counts requests against the global and per-resource rate limits."""
        return self._state().limiter

    @property
    def response_cache(self) -> ResponseCache:
        """Caches the GET responses of resources with ``Meta.cache``."""
        return self._state().response_cache

    @property
    def resources(self) -> dict[type[RestEndpoint], str]:
        """Every registered resource and its URL."""
        return dict(self._resources)

    def runtime(self, cls: type[RestEndpoint]) -> Runtime:
        """The request-time view of resource ``cls`` (built once)."""
        found = self._runtimes.get(cls)
        if found is None:
            found = self._runtimes[cls] = Runtime(self, cls)
        return found

    @property
    def jwt(self) -> JwtCodec:
        """The HS256 codec of RestJWTAuthentication and ``/auth/token``.

        Raises:
            ImproperlyConfigured: no secret (``REST_API.JWT_SECRET``, ``$SURGE_JWT_SECRET`` or
                ``SECRET_KEY``), or one shorter than 32 bytes.
        """
        if self._jwt is None:
            from surge.auth.jwt_tokens import JwtCodec, hmac_key

            secret = self.config.JWT_SECRET or os.environ.get("SURGE_JWT_SECRET") or None
            key_name = f"{self.configs_name}.JWT_SECRET"
            app_secret = self.app.get_conf("SECRET_KEY", None)
            if secret is None and not app_secret:
                raise ImproperlyConfigured(f"JWTAuthentication needs {key_name} (or $SURGE_JWT_SECRET, or the app's SECRET_KEY)")
            key = hmac_key("HS256", secret, app_secret or "", key_name, b"surge.rest.jwt")
            self._jwt = JwtCodec("HS256", key, key, expires_in=self.config.JWT_EXPIRES_IN)
        return self._jwt

    def create_token(self, payload: Mapping[str, Any], expires_in: int | None = None) -> str:
        """A JWT that RestJWTAuthentication accepts, carrying ``payload`` (plus ``iat`` and ``exp``)."""
        return self.jwt.encode(payload, expires_in)

    @property
    def has_login_validator(self) -> bool:
        """True when a login validator is configured."""
        return self._login_validator is not None

    async def validate_login(self, username: str, password: str) -> dict[str, Any] | None:
        """The user payload for these credentials: the login validator's answer (None: refused).

        Falls back to the ``validate_credentials`` of a registered backend that overrides it.
        """
        validator = self._login_validator
        if validator is None:
            backend = self._custom_backend()
            if backend is None:
                return None
            return await backend.validate_credentials(username, password)
        if inspect.iscoroutinefunction(validator):
            result = await validator(username, password)
        else:
            result = await asyncio.to_thread(validator, username, password)
            if inspect.isawaitable(result):
                result = await result
        if result is not None and not isinstance(result, Mapping):
            raise TypeError(f"The login validator must return a dict or None, got {type(result).__name__}")
        return None if result is None else dict(result)

    def _custom_backend(self) -> BaseAuthentication | None:
        from surge.rest.authentication import BaseAuthentication

        for cls in self._resources:
            runtime = self.runtime(cls)
            backend = runtime.backend
            if backend is not None and type(backend).validate_credentials is not BaseAuthentication.validate_credentials:
                return backend
        return None

    def login_mode(self) -> Literal["jwt", "basic"]:
        """What ``/auth/login`` answers: a token (jwt) or only the user (basic)."""
        mode = self.config.LOGIN_MODE
        if mode != "auto":
            return mode
        from surge.rest.authentication import RestBasicAuthentication, RestJWTAuthentication

        kinds = set()
        for cls in self._resources:
            auth = cls._resource.authentication
            backend = auth.backend if auth is not None else None
            if backend is not None:
                kinds.add(backend if inspect.isclass(backend) else type(backend))
        basic = any(issubclass(kind, RestBasicAuthentication) for kind in kinds)
        jwt = any(issubclass(kind, RestJWTAuthentication) for kind in kinds)
        return "basic" if basic and not jwt else "jwt"

    # -- lifecycle ----------------------------------------------------------------------------
    async def startup(self) -> None:
        """Create the missing tables (``CREATE_TABLES``) and the missing columns of partial reflections."""
        for cls in self._resources:
            self.runtime(cls)  # backends check their configuration now at the latest
        if self.config.CREATE_TABLES:
            await create_tables(self.db, [cls._resource for cls in self._resources])

    async def shutdown(self) -> None:
        """Close the rate limit store's connections (when the RestApi owns it)."""
        if self._bound is not None and self._bound.limiter.owns_store:
            await self._bound.limiter.store.close()
