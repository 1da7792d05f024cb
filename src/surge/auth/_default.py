"""``AUTHENTICATION.REQUIRED_BY_DEFAULT``: every HTTP endpoint needs a user unless marked ``@public``.

Applied once at startup, after the endpoints are compiled: each route that is neither public
nor already protected gets its compiled handler wrapped in one login check. Public routes are
left untouched, so the switch costs nothing per request on them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from surge.auth._guards import AuthBackend, ensure_user
from surge.openapi.controller import OpenApiController
from surge.static import Static

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response
    from surge.routing.router import Route

__all__ = ["EXEMPT_CONTROLLERS", "require_login_by_default"]

EXEMPT_CONTROLLERS: tuple[type, ...] = (Static, OpenApiController)
"""Built-in controllers that stay public under REQUIRED_BY_DEFAULT (static files, OpenAPI docs)."""

_Handler = Callable[["Request"], Awaitable["Response"]]
_MARKS = ("public", "auth_decorated")  # not "login_required": the switch itself sets it, on shared specs


def _needs_login(route: Route) -> bool:
    info = route.info
    if info is None or issubclass(info.controller, EXEMPT_CONTROLLERS):
        return False
    return not any(info.spec.extra.get(mark) or info.controller_spec.extra.get(mark) for mark in _MARKS)


def _guarded(auth: AuthBackend, handler: _Handler) -> _Handler:
    async def login_then_endpoint(req: Request) -> Response:
        if req.user is None:
            await ensure_user(auth, req)
        return await handler(req)

    return login_then_endpoint


def require_login_by_default(auth: AuthBackend, routes: Iterable[Route], scheme: str | None) -> list[Any]:
    """Wrap every unmarked route's handler in a login check; returns the endpoint names wrapped.

    The endpoints are documented as protected (401, and ``scheme`` as their OpenAPI security).
    """
    wrapped: list[Any] = []
    for route in routes:
        if route.handler is None or not _needs_login(route):
            continue
        route.handler = _guarded(auth, route.handler)
        extra = route.info.spec.extra
        extra["login_required"] = True
        if scheme is not None:
            extra.setdefault("security", [{scheme: []}])
        wrapped.append(route.name)
    return wrapped
