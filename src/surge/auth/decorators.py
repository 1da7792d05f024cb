"""``login_required`` and ``role_required`` as plain decorators (``from surge.auth import ...``).

They use the app's Authentication extension, found at startup (endpoints) or by the request's
app when a request needs it (controller classes); ``@auth.login_required`` binds to one extension instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from surge.auth._guards import AuthSource, mark_public, methods_roles, protect, protect_optional
from surge.auth.extension import find_authentication

__all__ = ["login_optional", "login_required", "public", "role_required"]

_Target = TypeVar("_Target", bound=Callable[..., Any])  # an endpoint function or a controller class

_APP_AUTHENTICATION = AuthSource(find_authentication)


def login_required(target: _Target) -> _Target:
    """Require a logged-in user on an endpoint, a ``@socket`` handler or a controller class."""
    return protect(target, _APP_AUTHENTICATION, None)


def role_required(*roles: Any, **by_method: Sequence[Any]) -> Callable[[_Target], _Target]:
    """Require one of ``roles`` (or per method: ``DELETE=["admin"]``); implies :func:`login_required`."""
    mapping = methods_roles(by_method) or None
    positional = roles if roles or mapping is None else None

    def decorator(target: _Target) -> _Target:
        return protect(target, _APP_AUTHENTICATION, positional, None, mapping)

    return decorator


def login_optional(target: _Target) -> _Target:
    """Load the user when there is one; never refuse."""
    return protect_optional(target, _APP_AUTHENTICATION)


def public(target: _Target) -> _Target:
    """Exempt from ``AUTHENTICATION.REQUIRED_BY_DEFAULT``."""
    return mark_public(target)
