"""The two refusals of the authentication extension: not logged in (401), missing role (403)."""

from __future__ import annotations

from surge.exceptions.http import Forbidden, Unauthorized

__all__ = ["AuthenticationException", "UnauthorizedException"]


class AuthenticationException(Unauthorized):
    """No user could be loaded for a protected endpoint (401).

    Carries a ``WWW-Authenticate`` header when the authentication scheme defines a challenge
    (Bearer, Basic). Handle it in an ``ExceptionHandler`` to redirect to a login page.
    """

    default_message = "Login required"


class UnauthorizedException(Forbidden):
    """The user is logged in but ``role_check`` refused the required roles (403).

    The name follows the seed (PyJolt); the HTTP meaning is *Forbidden*.
    """

    default_message = "Missing user role(s)"
