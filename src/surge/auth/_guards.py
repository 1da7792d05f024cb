"""The pipeline steps behind ``login_required`` and ``role_required``.

On an endpoint (or a ``@socket`` handler) they become an endpoint wrapper; on a controller
class, a guard that runs before ``@before_request``. Both load the user only once per
request, so the two decorators work in any order and stacked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from surge.auth.roles import role_name
from surge.controller.decorators import Descriptor
from surge.controller.spec import (
    CallNext,
    add_controller_guard,
    add_endpoint_wrapper,
    controller_spec,
    endpoint_spec,
)
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import BaseHttpException
from surge.types import HandlerKwargs

if TYPE_CHECKING:
    from surge.controller.context import CompileContext
    from surge.http.request import Request

__all__ = [
    "AuthBackend",
    "AuthSource",
    "AuthStep",
    "ExtensionsHolder",
    "ensure_roles",
    "ensure_user",
    "load_optional_user",
    "mark_public",
    "methods_roles",
    "protect",
    "protect_optional",
]

MethodRoles = dict[str, tuple[Any, ...]]
"""Roles per HTTP method (``role_required(DELETE=["admin"])``); HEAD follows GET."""

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "WEBSOCKET"})

_Target = TypeVar("_Target", bound=Callable[..., Any])  # an endpoint function or a controller class


class AuthBackend(Protocol):
    """What the steps need from an :class:`~surge.auth.Authentication` extension."""

    @property
    def extension_name(self) -> str: ...

    def user_loader(self, req: Request) -> Any: ...  # the user, or an awaitable of it

    def role_check(self, user: Any, roles: list[Any]) -> Any: ...  # a bool, or an awaitable of it

    def authentication_error(self) -> BaseHttpException: ...

    def unauthorized_error(self, roles: Sequence[Any] = ()) -> BaseHttpException: ...


class ExtensionsHolder(Protocol):
    """The app, or the compile context: whatever knows the app's extensions."""

    @property
    def extensions(self) -> Mapping[str, object]: ...


Finder = Callable[[ExtensionsHolder], AuthBackend]
"""Finds the app's Authentication extension (the plain ``login_required`` uses it)."""


class AuthSource:
    """Which extension a decorator uses: the one it is bound to (``@auth.login_required``), or the app's."""

    __slots__ = ("bound", "find")

    def __init__(self, find: Finder, bound: AuthBackend | None = None) -> None:
        self.find = find
        self.bound = bound

    def at_startup(self, ctx: CompileContext, user: str) -> AuthBackend:
        """The extension for an endpoint of the app ``ctx`` compiles.

        Raises:
            ImproperlyConfigured: the bound extension is not this app's, or the app has none.
        """
        if self.bound is None:
            return self.find(ctx)
        ctx.require_extension(self.bound, user)
        return self.bound

    def at_request(self, app: ExtensionsHolder) -> AuthBackend:
        """The extension for a controller-class guard, found when a request needs it.

        Raises:
            ImproperlyConfigured: the bound extension is not in the app's EXTENSIONS, or the app has none.
        """
        bound = self.bound
        if bound is None:
            return self.find(app)
        if app.extensions.get(bound.extension_name) is not bound:
            raise ImproperlyConfigured(f"{type(bound).__name__} protects endpoints but is not listed in EXTENSIONS")
        return bound


async def ensure_user(auth: AuthBackend, req: Request) -> Any:
    """``req.user``, loaded with ``user_loader`` if not loaded yet.

    Raises:
        AuthenticationException: no user.
    """
    user = req.user
    if user is None:
        user = auth.user_loader(req)
        if isawaitable(user):  # PyJolt accepts a plain def user_loader too
            user = await user
        if user is None:
            raise auth.authentication_error()
        req.user = user
    return user


async def ensure_roles(auth: AuthBackend, req: Request, roles: tuple[Any, ...]) -> None:
    """Load the user and check ``roles``.

    Raises:
        AuthenticationException: no user. UnauthorizedException: ``role_check`` said no.
    """
    user = await ensure_user(auth, req)
    allowed = auth.role_check(user, list(roles))
    if not (await allowed if isawaitable(allowed) else allowed):
        raise auth.unauthorized_error(roles)


def methods_roles(by_method: Mapping[str, Iterable[Any]]) -> MethodRoles:
    """Validate ``role_required(GET=[...], DELETE=[...])`` keywords (at import time).

    Raises:
        ValueError: a key is not an HTTP method, or its roles are a plain string.
    """
    result: MethodRoles = {}
    for method, roles in by_method.items():
        name = method.upper()
        if name not in _METHODS:
            raise ValueError(f"role_required({method}=...): {method!r} is not an HTTP method")
        if isinstance(roles, str):
            raise ValueError(f"role_required({method}=...): give a list of roles, e.g. {method}=[{roles!r}]")
        result[name] = tuple(roles)
    if "GET" in result and "HEAD" not in result:
        result["HEAD"] = result["GET"]
    return result


async def load_optional_user(auth: AuthBackend, req: Request) -> Any:
    """``req.user`` if a user can be loaded, else None; never raises an HTTP error."""
    if req.user is not None:
        return req.user
    try:
        user = auth.user_loader(req)
        if isawaitable(user):
            user = await user
    except BaseHttpException:  # a loader that refuses a bad credential: treated as no user here
        return None
    if user is not None:
        req.user = user
    return user


class AuthStep:
    """The endpoint wrapper: load the user (and check roles) before the handler."""

    __slots__ = ("by_method", "optional", "roles", "source", "user")

    provides: tuple[str, ...] = ()

    def __init__(
        self,
        source: AuthSource,
        roles: tuple[Any, ...] | None,
        user: str,
        by_method: MethodRoles | None = None,
        optional: bool = False,
    ) -> None:
        self.source = source
        self.roles = roles
        self.user = user
        self.by_method = by_method
        self.optional = optional

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """Bind to the app's authentication extension (once, at startup)."""
        auth = self.source.at_startup(ctx, self.user)
        roles = self.roles
        by_method = self.by_method
        if self.optional:

            async def optional_step(req: Request, kwargs: HandlerKwargs) -> Any:
                await load_optional_user(auth, req)
                return await call_next(req, kwargs)

            return optional_step
        if by_method:

            async def method_step(req: Request, kwargs: HandlerKwargs) -> Any:
                wanted = by_method.get(req.method, roles)
                if wanted is None:
                    await ensure_user(auth, req)
                else:
                    await ensure_roles(auth, req, wanted)
                return await call_next(req, kwargs)

            return method_step
        if roles is None:

            async def login_step(req: Request, kwargs: HandlerKwargs) -> Any:
                if req.user is None:
                    await ensure_user(auth, req)
                return await call_next(req, kwargs)

            return login_step

        async def role_step(req: Request, kwargs: HandlerKwargs) -> Any:
            await ensure_roles(auth, req, roles)
            return await call_next(req, kwargs)

        return role_step


def _guard(
    source: AuthSource, roles: tuple[Any, ...] | None, by_method: MethodRoles | None = None
) -> Callable[[Request], Awaitable[None]]:
    if by_method:

        async def method_guard(req: Request) -> None:
            wanted = by_method.get(req.method, roles)
            auth = source.at_request(req.app)
            if wanted is None:
                await ensure_user(auth, req)
            else:
                await ensure_roles(auth, req, wanted)

        return method_guard
    if roles is None:

        async def login_guard(req: Request) -> None:
            if req.user is None:
                await ensure_user(source.at_request(req.app), req)

        return login_guard

    async def role_guard(req: Request) -> None:
        await ensure_roles(source.at_request(req.app), req, roles)

    return role_guard


def _document(extra: dict[str, Any], roles: tuple[Any, ...] | None, scheme: str | None) -> None:
    """Record what OpenAPI needs to know in the spec's free ``extra`` slots.

    ``security`` names the scheme; its definition comes from the extension's
    ``openapi_security_schemes()``, which reads the live config (cookie names).
    """
    extra["login_required"] = True
    extra["auth_decorated"] = True  # set by a decorator (REQUIRED_BY_DEFAULT marks only login_required)
    if roles is not None:
        known = list(extra.get("roles", []))
        known.extend(name for name in map(role_name, roles) if name not in known)
        extra["roles"] = known
    if scheme is not None:
        extra["security"] = [{scheme: []}]


def protect(
    target: _Target,
    source: AuthSource,
    roles: Iterable[Any] | None,
    scheme: str | None = None,
    by_method: MethodRoles | None = None,
) -> _Target:
    """Attach a login (``roles is None``) or role requirement to an endpoint or controller class.

    ``by_method`` maps HTTP methods to their own roles; other methods use ``roles``.
    """
    role_tuple = None if roles is None else tuple(roles)
    all_roles = role_tuple
    if by_method:
        all_roles = (*(role_tuple or ()), *(role for wanted in by_method.values() for role in wanted))
    if isinstance(target, type):
        add_controller_guard(target, _guard(source, role_tuple, by_method))
        _document(controller_spec(target).extra, all_roles, scheme)
        return target
    decorator = "@login_required" if all_roles is None else "@role_required"
    add_endpoint_wrapper(target, AuthStep(source, role_tuple, f"{target.__qualname__} via {decorator}", by_method))
    spec = endpoint_spec(target)
    _document(spec.extra, all_roles, scheme)
    documented = {descriptor.status for descriptor in spec.descriptors}
    if 401 not in documented:
        spec.descriptors.append(Descriptor(status=401, description="Authentication required"))
    if all_roles and 403 not in documented:
        spec.descriptors.append(Descriptor(status=403, description="Missing required role"))
    return target


def protect_optional(target: _Target, source: AuthSource, scheme: str | None = None) -> _Target:
    """Load the user when there is one, never refuse (``login_optional``)."""
    if isinstance(target, type):
        auth_source = source

        async def optional_guard(req: Request) -> None:
            await load_optional_user(auth_source.at_request(req.app), req)

        add_controller_guard(target, optional_guard)
        extra = controller_spec(target).extra
    else:
        add_endpoint_wrapper(target, AuthStep(source, None, f"{target.__qualname__} via @login_optional", optional=True))
        extra = endpoint_spec(target).extra
    extra["login_optional"] = True
    extra["auth_decorated"] = True
    if scheme is not None:
        extra["security"] = [{scheme: []}, {}]  # OpenAPI: the scheme, or nothing
    return target


def mark_public(target: _Target) -> _Target:
    """Exempt an endpoint or controller class from ``REQUIRED_BY_DEFAULT`` (``@auth.public``)."""
    extra = controller_spec(target).extra if isinstance(target, type) else endpoint_spec(target).extra
    extra["public"] = True
    extra["security"] = []  # OpenAPI: no authentication
    return target
