"""What one resource needs at request time, resolved once per app when it compiles."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Protocol

from surge.rest._protocols import ApiContext
from surge.rest.authentication import (
    AllowAny,
    AuthenticationFailed,
    BaseAuthentication,
    IsAuthenticated,
    PermissionDenied,
    check_permission,
)
from surge.rest.errors import ConfigurationError
from surge.rest.options import VERBS, RateLimit

if TYPE_CHECKING:
    from surge.database.sql import SqlDatabase
    from surge.http.request import Request
    from surge.rest._limits import Limiter
    from surge.rest._resource import DeclaredResource

__all__ = ["Runtime", "RuntimeApi"]


class RuntimeApi(ApiContext, Protocol):
    """What a resource's runtime uses of its ``RestApi`` (which this module does not import)."""

    @property
    def db(self) -> SqlDatabase:
        """The SqlDatabase the resources live in."""
        ...

    @property
    def limiter(self) -> Limiter:
        """Counts requests against the rate limits."""
        ...

    @property
    def global_limit(self) -> RateLimit | None:
        """The limit on every resource, per client."""
        ...


def _instance(value: object, kind: str, name: str) -> Any:
    if inspect.isclass(value):
        return value()
    if value is None:
        raise ConfigurationError(f"RestEndpoint {name}: Meta.authentication {kind} is None")
    return value


class Runtime:
    """One resource served by one RestApi: its database, backend, permissions, limits and cache."""

    def __init__(self, api: RuntimeApi, cls: type[DeclaredResource]) -> None:
        spec = cls._resource
        self.cls = cls
        self.spec = spec
        self.api = api
        self.db: SqlDatabase = api.db
        self.sessions = self.db.sessionmaker()  # PERF: a request's session without a lookup
        auth = spec.authentication
        self.backend: BaseAuthentication | None = None
        self.challenge: str | None = None
        if auth is not None and auth.backend is not None:
            backend = _instance(auth.backend, "backend", spec.name)
            if not callable(getattr(backend, "authenticate", None)):
                raise ConfigurationError(f"RestEndpoint {spec.name}: authentication backend {auth.backend!r} has no authenticate()")
            configure = getattr(backend, "configure", None)
            if callable(configure):
                configure(api)
            self.backend = backend
            self.challenge = getattr(backend, "challenge", None)
        default = IsAuthenticated() if self.backend is not None else AllowAny()
        self.permissions: dict[str, Any] = {}
        for verb in VERBS:
            chosen = auth.permission_for(verb) if auth is not None else None
            self.permissions[verb] = default if chosen is None else _instance(chosen, "permission", spec.name)
        self.open = self.backend is None and all(isinstance(p, AllowAny) for p in self.permissions.values())
        self.rate_limit: RateLimit | None = auth.rate_limiter if auth is not None else None
        self.cache_ttl: int | None = spec.cache.ttl if spec.cache is not None else None

    async def authenticate(self, request: Request) -> None:
        """Load the user (backend) and check the permission of the request's verb.

        Raises:
            AuthenticationFailed: bad credentials, or none where a user is required (401).
            PermissionDenied: the user may not do this (403).
        """
        if self.open:
            return
        if self.backend is not None:
            user = await self.backend.authenticate(request)
            if user is not None:
                request.user = user
                vars(request.state)["user"] = user  # the seed's request.state.user
        method = request.method if request.method != "HEAD" else "GET"
        permission = self.permissions.get(method, self.permissions["GET"])
        if not await check_permission(permission, request):
            if request.user is None:
                raise AuthenticationFailed(self.challenge)
            raise PermissionDenied()

    async def limit(self, request: Request) -> None:
        """Count the request against the global and the resource's rate limits (429 past them)."""
        api = self.api
        if api.global_limit is not None:
            await api.limiter.check("global", request, api.global_limit)
        if self.rate_limit is not None:
            await api.limiter.check(self.spec.name, request, self.rate_limit)
