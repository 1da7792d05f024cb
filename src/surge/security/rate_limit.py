"""Rate limiting: ``@rate_limit("10/minute")`` per endpoint, ``DEFAULT_LIMITS`` for every request.

Counting uses a sliding window (default), GCRA or fixed windows (``STRATEGY``,
:mod:`surge.security.limit_counters`) in a :class:`SecurityStore`: in memory for one process,
in Redis (one atomic Lua script per check) so that every process behind a load balancer
shares the same counters exactly (config section ``RATE_LIMITER``). Refused requests get 429 with ``Retry-After``; every counted response
carries ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` and
``RateLimit-Policy`` (IETF draft "RateLimit header fields for HTTP").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from surge.controller.spec import CallNext, add_endpoint_wrapper
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import TooManyRequests
from surge.extension import BaseExtension, find_extension
from surge.http.response import Response
from surge.middleware.base import MiddlewareBase
from surge.openapi.roles import ErrorResponsesProvider
from surge.roles import MiddlewareProvider
from surge.security.limit_counters import LimitCounter, Strategy, create_counter
from surge.security.limits import Limit, parse_limit
from surge.security.stores import SecurityStore, create_store
from surge.types import HandlerKwargs

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.controller.context import CompileContext
    from surge.http.request import Request

__all__ = [
    "GlobalRateLimitMiddleware",
    "KeyFunction",
    "RateLimitExceeded",
    "RateLimiter",
    "RateLimiterConfig",
    "rate_limit",
]

KeyFunction = Callable[["Request"], str]
"""A custom counter key: the request -> the key its hits count under."""

_F = TypeVar("_F", bound=Callable[..., Any])


class RateLimitExceeded(TooManyRequests):
    """A rate limit was hit (429); its headers say when to retry."""

    default_message = "Too many requests"


class RateLimiterConfig(BaseModel):
    """Keys of ``RATE_LIMITER = {...}``; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    ENABLED: bool = Field(True, description="Turn every limit off (e.g. in tests)")
    BACKEND: Literal["memory", "redis"] = Field("memory", description="memory: one process; redis: shared")
    STRATEGY: Strategy = Field(
        "sliding-window", description="sliding-window (exact), gcra (burst then steady rate) or fixed-window"
    )
    REDIS_URL: str | None = Field(None, description="Redis URL, required by the redis backend")
    KEY_PREFIX: str = Field("surge:ratelimit:", description="Prefix of the store keys")
    DEFAULT_LIMITS: list[str] = Field(default_factory=list, description="Limits on every request, per client IP")
    EXEMPT_PATHS: list[str] = Field(default_factory=list, description="Path prefixes the default limits skip")
    HEADERS_ENABLED: bool = Field(True, description="Send the RateLimit-* headers")
    PROXY_COUNT: int = Field(
        0, ge=0, description="Proxies in front of the app; the client IP is read from X-Forwarded-For past them"
    )


def _identity(user: Any) -> str:
    if isinstance(user, Mapping):
        for name in ("sub", "id", "user_id", "username"):
            if user.get(name) is not None:
                return str(user[name])
    for name in ("id", "user_id", "username"):
        value = getattr(user, name, None)
        if value is not None:
            return str(value)
    return str(user)


def _default_limits(section: str, config: RateLimiterConfig) -> tuple[Limit, ...]:
    """``DEFAULT_LIMITS`` parsed.

    Raises:
        ImproperlyConfigured: a malformed limit, named with its index.
    """
    limits = []
    for index, text in enumerate(config.DEFAULT_LIMITS):
        try:
            limits.append(parse_limit(text))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{section}.DEFAULT_LIMITS.{index}: {exc}") from None
    return tuple(limits)


class RateLimiter(BaseExtension[RateLimiterConfig], MiddlewareProvider):
    """Counts hits and refuses the ones over the limit."""

    config_model = RateLimiterConfig

    _config: RateLimiterConfig  # set by configure
    _store: SecurityStore
    _counter: LimitCounter

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name)
        self.default_limits: tuple[Limit, ...] = ()

    def validate_config(self, app: Surge) -> RateLimiterConfig:
        """Validate ``RATE_LIMITER``, its limits included.

        Raises:
            ImproperlyConfigured: a key is invalid (a malformed limit is named with its index).
        """
        config = super().validate_config(app)
        _default_limits(self.configs_name, config)
        return config

    def configure(self, app: Surge, config: RateLimiterConfig) -> None:
        """Open the store and keep the global limits.

        Raises:
            ImproperlyConfigured: the redis backend without ``REDIS_URL``.
        """
        self._config = config
        self.default_limits = _default_limits(self.configs_name, config)
        self._store = create_store(self.configs_name, config.BACKEND, config.REDIS_URL, config.KEY_PREFIX)
        self._counter = create_counter(config.STRATEGY, self._store)

    def middleware(self) -> Sequence[MiddlewareBase]:
        """``DEFAULT_LIMITS`` on every request (no middleware without limits, or when disabled)."""
        if self.config.ENABLED and self.default_limits:
            return (GlobalRateLimitMiddleware(self.app, extension=self),)
        return ()

    @property
    def config(self) -> RateLimiterConfig:
        """The validated ``RATE_LIMITER`` section."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._config

    @property
    def store(self) -> SecurityStore:
        """Where the counters live."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._store

    def client_ip(self, req: Request) -> str:
        """The client's IP: the peer address, or the X-Forwarded-For entry ``PROXY_COUNT`` hops back."""
        proxies = self.config.PROXY_COUNT
        if proxies:
            forwarded = [hop.strip() for hop in req.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
            if forwarded:
                return forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
        client = req.client
        return client[0] if client else "unknown"

    def key_for(self, req: Request, key: str | KeyFunction) -> str:
        """The counter key of ``req``: by ``"ip"``, by ``"user"`` (the IP when nobody is logged in), or custom."""
        if key == "ip":
            return "ip:" + self.client_ip(req)
        if key == "user":
            user = req.user
            return "ip:" + self.client_ip(req) if user is None else "user:" + _identity(user)
        assert callable(key)
        return "key:" + str(key(req))

    async def check(self, scope: str, key: str, limits: Sequence[Limit]) -> dict[str, str]:
        """Count one hit of ``key`` against each limit.

        Returns:
            The RateLimit-* headers to send (empty when ``HEADERS_ENABLED`` is off).

        Raises:
            RateLimitExceeded: one limit is exceeded; its headers include ``Retry-After``.
        """
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        counter = self._counter
        tightest: tuple[Limit, int, int] | None = None
        retry_after = 0
        for limit in limits:
            verdict = await counter.hit(f"{scope}:{limit.amount}/{limit.window}:{key}", limit)
            remaining, reset = verdict.remaining, verdict.reset
            if not verdict.allowed:
                retry_after = max(retry_after, reset)
            if tightest is None or remaining < tightest[1]:
                tightest = (limit, remaining, reset)
        headers: dict[str, str] = {}
        if tightest is not None and self.config.HEADERS_ENABLED:
            limit, remaining, reset = tightest
            headers = {
                "RateLimit-Limit": str(limit.amount),
                "RateLimit-Remaining": str(remaining),
                "RateLimit-Reset": str(reset),
                "RateLimit-Policy": ", ".join(item.policy for item in limits),
            }
        if retry_after:
            raise RateLimitExceeded(headers={**headers, "Retry-After": str(retry_after)})
        return headers

    def limit(self, *limits: str, key: str | KeyFunction = "ip", scope: str | None = None) -> Callable[[_F], _F]:
        """:func:`rate_limit`, spelled as a method of the extension."""
        return rate_limit(*limits, key=key, scope=scope)

    async def shutdown(self) -> None:
        """Close the store's connections."""
        await self.store.close()


class _RateLimitStep(ErrorResponsesProvider):
    """The endpoint wrapper behind ``@rate_limit``."""

    __slots__ = ("key", "limits", "scope", "where")

    provides: tuple[str, ...] = ()

    def __init__(self, limits: tuple[Limit, ...], key: str | KeyFunction, scope: str, where: str) -> None:
        self.limits = limits
        self.key = key
        self.scope = scope
        self.where = where

    def openapi_responses(self, method: str) -> Mapping[int, str]:
        """429 once a limit is reached (503 while a shared store cannot be reached)."""
        return {429: "Too many requests", 503: "Rate limit store unavailable"}

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """Bind to the app's RateLimiter (once, at startup).

        Raises:
            ImproperlyConfigured: the app has no RateLimiter.
        """
        limiter = find_extension(ctx, RateLimiter)
        if limiter is None:
            raise ImproperlyConfigured(f"@rate_limit on {self.where} needs the RateLimiter extension in EXTENSIONS")
        if not limiter.config.ENABLED:
            return call_next
        limits, key, scope = self.limits, self.key, self.scope

        async def limited(req: Request, kwargs: HandlerKwargs) -> Any:
            headers = await limiter.check(scope, limiter.key_for(req, key), limits)
            result = await call_next(req, kwargs)
            if headers:
                target = result if isinstance(result, Response) else req.response
                target.headers.update(headers)
            return result

        return limited


def rate_limit(*limits: str, key: str | KeyFunction = "ip", scope: str | None = None) -> Callable[[_F], _F]:
    """Limit how often an endpoint may be called.

    Args:
        limits: one or more expressions (``"5/minute"``, ``"100/day"``); all apply.
        key: ``"ip"`` (default), ``"user"`` (needs the user loaded: write the decorator below
            ``@auth.login_required``; anonymous requests count by IP), or ``key(req) -> str``.
        scope: counters are per endpoint; endpoints given the same scope share them.

    Raises:
        ImproperlyConfigured: no limit, a malformed one, or an unknown key.
    """

    def decorator(func: _F) -> _F:
        where = f"{func.__module__}.{func.__qualname__}"
        if not limits:
            raise ImproperlyConfigured(f"@rate_limit on {where}: give at least one limit, e.g. '10/minute'")
        if not (key in ("ip", "user") or callable(key)):
            raise ImproperlyConfigured(f"@rate_limit on {where}: key must be 'ip', 'user' or a function of the request")
        try:
            parsed = tuple(parse_limit(text) for text in limits)
        except ValueError as exc:
            raise ImproperlyConfigured(f"@rate_limit on {where}: {exc}") from None
        add_endpoint_wrapper(func, _RateLimitStep(parsed, key, scope or where, where))
        return func

    return decorator


class GlobalRateLimitMiddleware(MiddlewareBase):
    """``DEFAULT_LIMITS`` on every request, per client IP (before routing: 404s count too)."""

    sees_error_responses = True  # its headers/cookie go on error responses too

    def __init__(self, app: Surge, *, extension: RateLimiter) -> None:
        super().__init__(app)
        self.extension = extension
        self._exempt = tuple(extension.config.EXEMPT_PATHS)

    async def middleware(self, req: Request) -> Response:
        limiter = self.extension
        if self._exempt and req.path.startswith(self._exempt):
            return await self.next(req)
        headers = await limiter.check("global", "ip:" + limiter.client_ip(req), limiter.default_limits)
        response = await self.next(req)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
