"""Ready-made Authentication subclasses: bearer JWT, session, signed cookie, HTTP Basic.

Each implements ``user_loader``; override ``load_user`` to turn what the request proves (JWT
claims, a user id, Basic credentials) into your user object.
"""

from __future__ import annotations

import base64
import binascii
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from surge.auth.config import AuthenticationConfig
from surge.auth.extension import Authentication
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import find_extension
from surge.security.csrf import rotate_csrf_token
from surge.security.session import Session
from surge.security.sessions import Sessions

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = [
    "BasicAuthentication",
    "BearerTokenAuthentication",
    "SessionAuthentication",
    "SignedCookieAuthentication",
    "VerifyCallback",
    "basic_credentials",
    "bearer_token",
]

VerifyCallback = Callable[[str, str], Any]
"""``verify(username, password)`` of :class:`BasicAuthentication`: the user or None (or an awaitable of it)."""


def bearer_token(req: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (None when absent or another scheme)."""
    scheme, _, token = (req.header(b"authorization") or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def basic_credentials(req: Request) -> tuple[str, str] | None:
    """``(username, password)`` of an ``Authorization: Basic`` header; None when absent or malformed."""
    scheme, _, encoded = (req.header(b"authorization") or "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


class BearerTokenAuthentication(Authentication):
    """Users prove who they are with ``Authorization: Bearer <JWT>`` made by ``create_jwt_token``.

    ``load_user(claims)`` returns the claims by default (so ``req.user["sub"]`` and a
    ``roles`` claim work with the default ``role_check``); override it to load a model.
    """

    openapi_scheme_name: ClassVar[str | None] = "bearerAuth"

    def openapi_scheme(self) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}

    async def user_loader(self, req: Request) -> Any:
        claims = self.validate_jwt_token(bearer_token(req))
        return None if claims is None else await self.load_user(claims)

    async def load_user(self, claims: dict[str, Any]) -> Any:
        """The user the valid token's ``claims`` stand for (None refuses the request)."""
        return claims

    def challenge(self) -> str | None:
        return "Bearer"


class SessionAuthentication(Authentication):
    """The user id lives in ``req.session`` (needs the Sessions extension, listed before this one).

    ``login(req, user_id)`` rotates the session id (so an id planted before login is
    worthless) and the CSRF token; ``logout(req)`` deletes the session. ``load_user(user_id)``
    returns the id by default; override it to load the user.
    """

    openapi_scheme_name: ClassVar[str | None] = "sessionCookie"

    _sessions: Sessions  # found by validate_config

    def openapi_scheme(self) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": self._sessions.cookie_name}

    def validate_config(self, app: Surge) -> AuthenticationConfig:
        """Validate as every Authentication does, and find the Sessions extension.

        Raises:
            ImproperlyConfigured: Sessions is not listed before this extension (or see the base class).
        """
        config = super().validate_config(app)
        sessions = find_extension(app, Sessions)
        if sessions is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} keeps the user id in the session: list Sessions before it in EXTENSIONS"
            )
        self._sessions = sessions
        return config

    async def user_loader(self, req: Request) -> Any:
        session = await self._sessions.load(req)  # websocket handlers bypass the middleware
        user_id = session.get(self.config.SESSION_KEY)
        return None if user_id is None else await self.load_user(user_id)

    async def load_user(self, user_id: Any) -> Any:
        """The user with ``user_id`` (None refuses the request, e.g. a deleted user)."""
        return user_id

    def login(self, req: Request, user_id: str | int) -> None:
        """Log ``user_id`` in: new session id, new CSRF secret, the id stored in the session."""
        session: Session = req.session
        session.rotate()
        rotate_csrf_token(req)
        session[self.config.SESSION_KEY] = user_id

    def logout(self, req: Request) -> None:
        """Delete the session (its cookie is removed with the response)."""
        req.session.invalidate()
        req.user = None


class SignedCookieAuthentication(Authentication):
    """The user id in a signed cookie (``AUTHENTICATION.COOKIE_NAME``), as in the seed's example.

    ``login(response, user_id)`` sets the cookie, ``logout(response)`` removes it. Unsafe
    requests carrying the cookie are CSRF-checked when the CSRF extension is installed.
    """

    openapi_scheme_name: ClassVar[str | None] = "authCookie"

    def openapi_scheme(self) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": self.config.COOKIE_NAME}

    @property
    def auth_cookie_names(self) -> tuple[str, ...]:
        return (self.config.COOKIE_NAME,)

    async def user_loader(self, req: Request) -> Any:
        user_id = self.decode_signed_cookie(req.cookies.get(self.config.COOKIE_NAME))
        return None if user_id is None else await self.load_user(user_id)

    async def load_user(self, user_id: Any) -> Any:
        """The user with ``user_id``, the string that was signed (None refuses the request)."""
        return user_id

    def login(self, response: Response, user_id: str | int) -> Response:
        """Set the signed cookie for ``user_id`` on ``response``."""
        config = self.config
        return response.set_cookie(
            config.COOKIE_NAME,
            self.create_signed_cookie_value(user_id),
            max_age=config.COOKIE_MAX_AGE,
            secure=config.COOKIE_SECURE,
            http_only=True,
            same_site=config.COOKIE_SAMESITE,
        )

    def logout(self, response: Response) -> Response:
        """Remove the cookie."""
        return response.delete_cookie(self.config.COOKIE_NAME)


class BasicAuthentication(Authentication):
    """HTTP Basic: ``verify(username, password)`` (sync or async) returns the user or None.

    Pass ``verify=`` or override :meth:`verify`. A refused request gets 401 with
    ``WWW-Authenticate: Basic realm=...`` so browsers ask for credentials. Use it over HTTPS
    only: the password travels with every request.
    """

    openapi_scheme_name: ClassVar[str | None] = "basicAuth"

    def openapi_scheme(self) -> dict[str, Any]:
        return {"type": "http", "scheme": "basic"}

    def __init__(self, verify: VerifyCallback | None = None, configs_name: str | None = None) -> None:
        super().__init__(configs_name)
        self._verify = verify

    def validate_config(self, app: Surge) -> AuthenticationConfig:
        """Validate as every Authentication does, and check that credentials can be verified.

        Raises:
            ImproperlyConfigured: neither ``verify=`` nor an overridden ``verify`` (or see the base class).
        """
        config = super().validate_config(app)
        if self._verify is None and type(self).verify is BasicAuthentication.verify:
            raise ImproperlyConfigured(f"{type(self).__name__} needs verify=callback or a verify(username, password) method")
        return config

    async def user_loader(self, req: Request) -> Any:
        credentials = basic_credentials(req)
        return None if credentials is None else await self.verify(*credentials)

    async def verify(self, username: str, password: str) -> Any:
        """The user these credentials belong to, or None."""
        assert self._verify is not None  # checked at startup
        result = self._verify(username, password)
        if inspect.isawaitable(result):
            result = await result
        return result

    def challenge(self) -> str | None:
        realm = self.config.BASIC_REALM.replace('"', "")
        return f'Basic realm="{realm}", charset="UTF-8"'
