"""The two refusals of the authentication extension: not logged in (401), missing role (403).

They are defined with the other HTTP exceptions (:mod:`surge.exceptions.http_exceptions`), so
``surge.exceptions.AuthenticationException`` and ``surge.auth.AuthenticationException`` are
one class, and a handler registered for either sees what the extension raises.
"""

from __future__ import annotations

from surge.exceptions.http_exceptions import AuthenticationException, UnauthorizedException

__all__ = ["AuthenticationException", "UnauthorizedException"]
