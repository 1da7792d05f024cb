"""``login_required`` and ``role_required`` as plain decorators (``from surge.auth import ...``).

They use the app's Authentication extension, found at startup (endpoints) or by the request's
app when a request needs it (controller classes); ``@auth.login_required`` binds to one extension instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from surge.auth._guards import AuthSource, protect
from surge.auth.extension import find_authentication

__all__ = ["login_required", "role_required"]

_Target = TypeVar("_Target", bound=Callable[..., Any])  # an endpoint function or a controller class

_APP_AUTHENTICATION = AuthSource(find_authentication)


def login_required(target: _Target) -> _Target:
    """Require a logged-in user on an endpoint, a ``@socket`` handler or a controller class."""
    return protect(target, _APP_AUTHENTICATION, None)


def role_required(*roles: Any) -> Callable[[_Target], _Target]:
    """Require one of ``roles``; implies :func:`login_required`."""

    def decorator(target: _Target) -> _Target:
        return protect(target, _APP_AUTHENTICATION, roles)

    return decorator
