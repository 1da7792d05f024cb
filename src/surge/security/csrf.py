"""CSRF protection for cookie-authenticated requests (config section ``CSRF``).

A per-session secret is kept in the session; pages embed a masked token (``csrf_token()``,
``csrf_input()``) that changes on every render, so it leaks nothing through compression
(BREACH). Unsafe requests (POST, PUT, PATCH, DELETE) that carry the session cookie, or a
cookie an Authentication extension logs users in with, must send the token back in the
``X-CSRF-Token`` header or the ``csrf_token`` form field; requests without those cookies
(bearer-token APIs) are not checked.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field

from surge.controller.spec import controller_spec, endpoint_spec
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import BaseHttpException, Forbidden, NotFound
from surge.extension import BaseExtension
from surge.middleware.base import MiddlewareBase
from surge.security._context import current_request
from surge.security._lookup import find_extension
from surge.security._respond import error_response
from surge.security.sessions import Sessions

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = [
    "CSRF",
    "CSRFConfig",
    "CSRFError",
    "CSRF_SESSION_KEY",
    "csrf_exempt",
    "csrf_input",
    "csrf_token",
    "rotate_csrf_token",
    "verify_csrf_token",
]

CSRF_SESSION_KEY = "_csrf_secret"
_SECRET_BYTES = 32
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_FORM_FIELD = "csrf_token"


class CSRFError(Forbidden):
    """The CSRF token is missing or wrong (403)."""

    default_message = "CSRF token missing or invalid"


class CSRFConfig(BaseModel):
    """Keys of ``CSRF = {...}``; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    ENABLED: bool = Field(True, description="Turn the check off (the token helpers keep working)")
    HEADER_NAME: str = Field("X-CSRF-Token", description="Header carrying the token (AJAX)")
    FORM_FIELD: str = Field(_FORM_FIELD, description="Form field carrying the token (HTML forms)")
    COOKIE_NAMES: list[str] = Field(
        default_factory=list, description="More cookies that authenticate; requests carrying them are checked"
    )
    SAFE_METHODS: list[str] = Field(["GET", "HEAD", "OPTIONS", "TRACE"], description="Methods never checked")


def _secret(req: Request) -> bytes:
    session = req.session
    stored = session.get(CSRF_SESSION_KEY)
    if isinstance(stored, str):
        try:
            secret = base64.urlsafe_b64decode(stored)
            if len(secret) == _SECRET_BYTES:
                return secret
        except (binascii.Error, ValueError):
            pass
    secret = secrets.token_bytes(_SECRET_BYTES)
    session[CSRF_SESSION_KEY] = base64.urlsafe_b64encode(secret).decode("ascii")
    return secret


def csrf_token(req: Request | None = None) -> str:
    """A token for the current session (masked anew on each call; all of them verify)."""
    secret = _secret(req or current_request())
    mask = secrets.token_bytes(_SECRET_BYTES)
    masked = bytes(a ^ b for a, b in zip(mask, secret, strict=True))
    return base64.urlsafe_b64encode(mask + masked).decode("ascii").rstrip("=")


def csrf_input(req: Request | None = None, field_name: str = _FORM_FIELD) -> Markup:
    """A hidden ``<input>`` with the token, to put inside ``<form method="post">``."""
    return Markup(f'<input type="hidden" name="{escape(field_name)}" value="{csrf_token(req)}">')


def verify_csrf_token(req: Request, token: str | None) -> bool:
    """True when ``token`` was issued for the session of ``req``."""
    if not token:
        return False
    stored = req.session.get(CSRF_SESSION_KEY)
    if not isinstance(stored, str):
        return False
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        secret = base64.urlsafe_b64decode(stored)
    except (binascii.Error, ValueError):
        return False
    if len(raw) != 2 * _SECRET_BYTES or len(secret) != _SECRET_BYTES:
        return False
    unmasked = bytes(a ^ b for a, b in zip(raw[:_SECRET_BYTES], raw[_SECRET_BYTES:], strict=True))
    return hmac.compare_digest(unmasked, secret)


def rotate_csrf_token(req: Request | None = None) -> None:
    """Drop the session's CSRF secret (done on login); tokens issued before stop working."""
    (req or current_request()).session.pop(CSRF_SESSION_KEY, None)


def csrf_exempt(target: Any) -> Any:
    """Exclude an endpoint or a whole controller class from the CSRF check (e.g. a webhook)."""
    spec = controller_spec(target) if isinstance(target, type) else endpoint_spec(target)
    spec.extra["csrf_exempt"] = True
    return target


class CSRF(BaseExtension):
    """Checks the token on unsafe, cookie-authenticated requests; list it after Sessions."""

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name)
        self._config: CSRFConfig | None = None

    def init_app(self, app: Surge) -> None:
        """Validate ``CSRF``, install the check and the template helpers.

        Raises:
            ImproperlyConfigured: no Sessions extension listed before this one, or a bad key.
        """
        if find_extension(app, Sessions) is None:
            raise ImproperlyConfigured(f"{self.configs_name} keeps its secret in the session: list Sessions before it in EXTENSIONS")
        config = self.load_config(app, CSRFConfig)
        super().init_app(app)
        self._config = config
        if config.ENABLED:
            app.add_middleware(type("CSRFMiddleware", (CSRFMiddleware,), {"extension": self}))
        field_name = config.FORM_FIELD

        def template_context(request: Request | None) -> dict[str, Any]:
            if request is None:
                return {}
            return {
                "csrf_token": lambda: csrf_token(request),
                "csrf_input": lambda: csrf_input(request, field_name),
            }

        app.templates.add_context_processor(template_context)

    @property
    def config(self) -> CSRFConfig:
        """The validated ``CSRF`` section."""
        if self._config is None:
            raise RuntimeError(f"{type(self).__name__} is not initialized: list it in EXTENSIONS")
        return self._config


class CSRFMiddleware(MiddlewareBase):
    """The check itself; built once, at startup, when every extension is known."""

    extension: ClassVar[CSRF]

    def __init__(self, app: Surge, next_app: Any) -> None:
        super().__init__(app, next_app)
        config = self.extension.config
        sessions = find_extension(app, Sessions)
        assert sessions is not None  # checked in CSRF.init_app
        names = {sessions.cookie_name, *config.COOKIE_NAMES}
        for extension in app.extensions.values():
            names.update(getattr(extension, "auth_cookie_names", ()))
        self._cookies = tuple(sorted(names))
        self._safe = frozenset(method.upper() for method in config.SAFE_METHODS)
        self._header = config.HEADER_NAME.lower()
        self._field = config.FORM_FIELD

    async def middleware(self, req: Request) -> Response:
        if req.method in self._safe:
            return await self.next(req)
        cookies = req.cookies
        if not any(name in cookies for name in self._cookies):
            return await self.next(req)
        try:
            token = await self._submitted_token(req)
        except BaseHttpException as exc:
            return await error_response(req, exc)
        if verify_csrf_token(req, token) or self._exempt(req):
            return await self.next(req)
        message = "CSRF token missing" if not token else "CSRF token invalid"
        return await error_response(req, CSRFError(message))

    async def _submitted_token(self, req: Request) -> str | None:
        token = req.header(self._header)
        if token is None and req.content_type in _FORM_TYPES:
            value = (await req.form()).get(self._field)
            token = value if isinstance(value, str) else None
        return token

    def _exempt(self, req: Request) -> bool:
        """True for exempt endpoints and for paths no endpoint serves (the 404/405 follows)."""
        # PERF: routing again costs a lookup, paid only by requests that failed the check.
        try:
            route, _ = self.app.router.match(req.method, req.path)
        except NotFound:  # MethodNotAllowed is a NotFound
            return True
        info = route.info
        return bool(info.spec.extra.get("csrf_exempt") or info.controller_spec.extra.get("csrf_exempt"))
