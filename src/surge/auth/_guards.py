"""The pipeline steps behind ``login_required`` and ``role_required``.

On an endpoint (or a ``@socket`` handler) they become an endpoint wrapper; on a controller
class, a guard that runs before ``@before_request``. Both load the user only once per
request, so the two decorators work in any order and stacked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from surge.auth.roles import role_name
from surge.controller.decorators import Descriptor
from surge.controller.spec import (
    CallNext,
    add_controller_guard,
    add_endpoint_wrapper,
    controller_spec,
    endpoint_spec,
)
from surge.exceptions.http import BaseHttpException

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request

__all__ = ["AuthBackend", "AuthStep", "ensure_roles", "ensure_user", "protect"]


class AuthBackend(Protocol):
    """What the steps need from an :class:`~surge.auth.Authentication` extension."""

    async def user_loader(self, req: Request) -> Any: ...

    async def role_check(self, user: Any, roles: list[Any]) -> bool: ...

    def authentication_error(self) -> BaseHttpException: ...

    def unauthorized_error(self) -> BaseHttpException: ...


Resolver = Callable[["Surge"], AuthBackend]


async def ensure_user(auth: AuthBackend, req: Request) -> Any:
    """``req.user``, loaded with ``user_loader`` if not loaded yet.

    Raises:
        AuthenticationException: no user.
    """
    user = req.user
    if user is None:
        user = await auth.user_loader(req)
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
    if not await auth.role_check(user, list(roles)):
        raise auth.unauthorized_error()


class AuthStep:
    """The endpoint wrapper: load the user (and check roles) before the handler."""

    __slots__ = ("resolve", "roles")

    provides: tuple[str, ...] = ()

    def __init__(self, resolve: Resolver, roles: tuple[Any, ...] | None) -> None:
        self.resolve = resolve
        self.roles = roles

    def wrap(self, app: Surge, call_next: CallNext) -> CallNext:
        """Bind to the app's authentication extension (once, at startup)."""
        auth = self.resolve(app)
        roles = self.roles
        if roles is None:

            async def login_step(req: Request, kwargs: dict[str, Any]) -> Any:
                if req.user is None:
                    await ensure_user(auth, req)
                return await call_next(req, kwargs)

            return login_step

        async def role_step(req: Request, kwargs: dict[str, Any]) -> Any:
            await ensure_roles(auth, req, roles)
            return await call_next(req, kwargs)

        return role_step


def _guard(resolve: Resolver, roles: tuple[Any, ...] | None) -> Callable[[Request], Awaitable[None]]:
    if roles is None:

        async def login_guard(req: Request) -> None:
            if req.user is None:
                await ensure_user(resolve(req.app), req)

        return login_guard

    async def role_guard(req: Request) -> None:
        await ensure_roles(resolve(req.app), req, roles)

    return role_guard


def _document(extra: dict[str, Any], roles: tuple[Any, ...] | None, scheme: str | None) -> None:
    """Record what OpenAPI needs to know in the spec's free ``extra`` slots.

    ``security`` names the scheme; its definition comes from the extension's
    ``openapi_security_schemes()``, which reads the live config (cookie names).
    """
    extra["login_required"] = True
    if roles is not None:
        known = list(extra.get("roles", []))
        known.extend(name for name in map(role_name, roles) if name not in known)
        extra["roles"] = known
    if scheme is not None:
        extra["security"] = [{scheme: []}]


def protect(
    target: Any,
    resolve: Resolver,
    roles: Iterable[Any] | None,
    scheme: str | None = None,
) -> Any:
    """Attach a login (``roles is None``) or role requirement to an endpoint or controller class."""
    role_tuple = None if roles is None else tuple(roles)
    if isinstance(target, type):
        add_controller_guard(target, _guard(resolve, role_tuple))
        _document(controller_spec(target).extra, role_tuple, scheme)
        return target
    add_endpoint_wrapper(target, AuthStep(resolve, role_tuple))
    spec = endpoint_spec(target)
    _document(spec.extra, role_tuple, scheme)
    documented = {descriptor.status for descriptor in spec.descriptors}
    if 401 not in documented:
        spec.descriptors.append(Descriptor(status=401, description="Authentication required"))
    if role_tuple is not None and 403 not in documented:
        spec.descriptors.append(Descriptor(status=403, description="Missing required role"))
    return target
