"""``surge.auth.authentication``: PyJolt's module path for authentication, and its ``AuthUtils`` helpers."""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from typing import Any

from surge.auth.config import AuthenticationConfig
from surge.auth.decorators import login_required, role_required
from surge.auth.extension import Authentication
from surge.auth.passwords import PasswordHasher
from surge.auth.signing import sign_cookie_value, unsign_cookie_value
from surge.exceptions.http_exceptions import InvalidJWTError
from surge.extension import require

__all__ = [
    "AuthConfig",
    "AuthUtils",
    "Authentication",
    "REQUEST_ARGS_ERROR_MSG",
    "USER_LOADER_ERROR_MSG",
    "login_required",
    "role_required",
]

AuthConfig = AuthenticationConfig
"""PyJolt's name of the ``AUTHENTICATION`` section's model (:class:`AuthenticationConfig`)."""

REQUEST_ARGS_ERROR_MSG = (
    "The first argument of a protected handler must be the Request: keep `req` first when stacking decorators"
)
"""The message for a protected handler whose first argument is not the request."""

USER_LOADER_ERROR_MSG = "The Authentication subclass must implement `async def user_loader(self, req)`"
"""The message for an authentication extension without a user loader."""


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@functools.cache
def _token_error() -> type[InvalidJWTError]:
    """InvalidJWTError that is also PyJWT's ``InvalidTokenError``, so code catching either keeps working."""
    jwt = require("jwt", "auth", "pyjwt[crypto]")
    return type("InvalidJWTError", (InvalidJWTError, jwt.InvalidTokenError), {"__module__": __name__})


class AuthUtils:
    """PyJolt's static helpers: signed cookie values, password hashes and HS256 tokens.

    Signed values use PyJolt's format (``value|signature``) and passwords Surge's hasher
    (argon2id; bcrypt hashes made by PyJolt still verify), so data a PyJolt app stored stays valid.
    """

    @staticmethod
    def create_signed_cookie_value(value: str | int, secret_key: str) -> str:
        """``value`` with its HMAC-SHA256 signature, safe to hand to the client."""
        return sign_cookie_value(value, secret_key)

    @staticmethod
    def decode_signed_cookie(cookie_value: str, secret_key: str) -> str:
        """The value that was signed (a string).

        Raises:
            ValueError: the value is malformed or its signature does not match.
        """
        value = unsign_cookie_value(cookie_value, secret_key)
        if value is None:
            raise ValueError("Invalid signed cookie format or signature.")
        return value

    @staticmethod
    def create_password_hash(password: str) -> str:
        """A new salted hash of ``password`` (argon2id)."""
        return _hasher().hash(password)

    @staticmethod
    def check_password_hash(password: str, hashed_password: str) -> bool:
        """True when ``password`` matches ``hashed_password`` (argon2 or bcrypt); False otherwise."""
        return _hasher().verify(password, hashed_password)

    @staticmethod
    def create_jwt_token(payload: Mapping[str, Any], secret_key: str, expires_in: int = 3600) -> str:
        """An HS256 token carrying ``payload``, issued now and expiring in ``expires_in`` seconds.

        Raises:
            ValueError: ``payload`` is not a mapping.
        """
        if not isinstance(payload, Mapping):
            raise ValueError("Payload must be a dictionary.")
        jwt = require("jwt", "auth", "pyjwt[crypto]")
        now = int(time.time())
        claims = {**payload, "iat": now, "exp": now + int(expires_in)}
        token: str = jwt.encode(claims, secret_key, algorithm="HS256")
        return token

    @staticmethod
    def validate_jwt_token(token: str, secret_key: str) -> dict[str, Any]:
        """The claims of an HS256 token signed with ``secret_key`` and not expired.

        Raises:
            InvalidJWTError: the token is malformed, forged, of another algorithm or expired
                (unhandled: a 401); it is also a ``jwt.InvalidTokenError``.
        """
        jwt = require("jwt", "auth", "pyjwt[crypto]")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, secret_key, algorithms=["HS256"], options={"require": ["exp"]}
            )
        except jwt.InvalidTokenError as exc:
            expired = isinstance(exc, jwt.ExpiredSignatureError)
            raise _token_error()("Token expired" if expired else "Invalid token") from exc
        return claims
