"""``login_required`` and ``role_required`` as plain decorators (``from surge.auth import ...``).

They use the app's Authentication extension, found at startup (endpoints) or by the request's
app when a request needs it (controller classes); ``@auth.login_required`` binds to one extension instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from surge.auth._guards import protect
from surge.auth.extension import find_authentication

__all__ = ["login_required", "role_required"]


def login_required(target: Any) -> Any:
    """Require a logged-in user on an endpoint, a ``@socket`` handler or a controller class."""
    return protect(target, find_authentication, None)


def role_required(*roles: Any) -> Callable[[Any], Any]:
    """Require one of ``roles``; implies :func:`login_required`."""

    def decorator(target: Any) -> Any:
        return protect(target, find_authentication, roles)

    return decorator
