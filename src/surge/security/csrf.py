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
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field

from surge.controller.spec import controller_spec, endpoint_spec
from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import Forbidden, NotFound
from surge.extension import BaseExtension, find_extension
from surge.middleware.base import MiddlewareBase, Next
from surge.roles import MiddlewareProvider
from surge.security._context import current_request
from surge.security.sessions import Sessions
from surge.templating import TemplateContextProvider

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = [
    "AuthCookieProvider",
    "CSRF",
    "CSRFConfig",
    "CSRFError",
    "CSRFMiddleware",
    "CSRF_SESSION_KEY",
    "csrf_exempt",
    "csrf_input",
    "csrf_token",
    "rotate_csrf_token",
    "verify_csrf_token",
]

_Target = TypeVar("_Target", bound=Callable[..., Any])  # an endpoint function or a controller class

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


def csrf_exempt(target: _Target) -> _Target:
    """Exclude an endpoint or a whole controller class from the CSRF check (e.g. a webhook)."""
    spec = controller_spec(target) if isinstance(target, type) else endpoint_spec(target)
    spec.extra["csrf_exempt"] = True
    return target


class AuthCookieProvider(ABC):
    """The role of an extension whose cookies log users in: CSRF checks unsafe requests carrying them."""

    @property
    @abstractmethod
    def auth_cookie_names(self) -> tuple[str, ...]:
        """The names of the cookies that authenticate a request."""


class CSRF(BaseExtension[CSRFConfig], MiddlewareProvider, TemplateContextProvider):
    """Checks the token on unsafe, cookie-authenticated requests; list it after Sessions."""

    config_model = CSRFConfig

    _config: CSRFConfig  # set by configure

    def validate_config(self, app: Surge) -> CSRFConfig:
        """Check that Sessions is listed before this extension, then validate ``CSRF``.

        Raises:
            ImproperlyConfigured: no Sessions extension listed before this one, or a bad key.
        """
        if find_extension(app, Sessions) is None:
            raise ImproperlyConfigured(f"{self.configs_name} keeps its secret in the session: list Sessions before it in EXTENSIONS")
        return super().validate_config(app)

    def configure(self, app: Surge, config: CSRFConfig) -> None:
        """Keep the validated section."""
        self._config = config

    def middleware(self) -> Sequence[MiddlewareBase]:
        """The check (none when ``ENABLED`` is off)."""
        return (CSRFMiddleware(self.app, extension=self),) if self.config.ENABLED else ()

    def template_context(self, request: Request | None) -> Mapping[str, Any]:
        """``csrf_token()`` and ``csrf_input()`` for the templates rendered for ``request``."""
        if request is None:
            return {}
        field_name = self.config.FORM_FIELD
        return {
            "csrf_token": lambda: csrf_token(request),
            "csrf_input": lambda: csrf_input(request, field_name),
        }

    @property
    def config(self) -> CSRFConfig:
        """The validated ``CSRF`` section."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._config


class CSRFMiddleware(MiddlewareBase):
    """The check itself; its cookie list is built when the chain is, once every extension is known."""

    def __init__(self, app: Surge, *, extension: CSRF) -> None:
        super().__init__(app)
        self.extension = extension
        config = extension.config
        self._cookies: tuple[str, ...] = ()
        self._safe = frozenset(method.upper() for method in config.SAFE_METHODS)
        self._header = config.HEADER_NAME.lower()
        self._field = config.FORM_FIELD

    def chain(self, next_app: Next) -> Next:
        """Link the check, and collect the cookies that authenticate (extensions listed after CSRF too)."""
        app = self.extension.app
        sessions = find_extension(app, Sessions)
        assert sessions is not None  # checked in CSRF.validate_config
        names = {sessions.cookie_name, *self.extension.config.COOKIE_NAMES}
        for extension in app.extensions.values():  # a role (abstract): found by isinstance, not by type lookup
            if isinstance(extension, AuthCookieProvider):
                names.update(extension.auth_cookie_names)
        self._cookies = tuple(sorted(names))
        return super().chain(next_app)

    async def middleware(self, req: Request) -> Response:
        if req.method in self._safe:
            return await self.next(req)
        cookies = req.cookies
        if not any(name in cookies for name in self._cookies):
            return await self.next(req)
        token = await self._submitted_token(req)
        if verify_csrf_token(req, token) or self._exempt(req):
            return await self.next(req)
        raise CSRFError("CSRF token missing" if not token else "CSRF token invalid")

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
            route, _ = self.extension.app.router.match(req.method, req.path)
        except NotFound:  # MethodNotAllowed is a NotFound
            return True
        info = route.info
        return bool(info.spec.extra.get("csrf_exempt") or info.controller_spec.extra.get("csrf_exempt"))
