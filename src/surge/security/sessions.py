"""The Sessions extension: ``req.session`` persisted across requests (config section ``SESSIONS``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from surge.exceptions.config import ImproperlyConfigured
from surge.extension import BaseExtension
from surge.middleware.base import MiddlewareBase
from surge.roles import MiddlewareProvider, ReadinessProbe
from surge.security._context import request_var
from surge.security.flash import get_flashed_messages
from surge.security.session import Session, UnavailableSession
from surge.security.session_backends import CookieSessionBackend, SessionBackend, StoreSessionBackend
from surge.security.stores import StoreUnavailable, create_store
from surge.templating import TemplateContextProvider

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["SessionMiddleware", "Sessions", "SessionsConfig"]

_COOKIE_LIMIT = 4000  # bytes of value; browsers keep at most about 4096 per cookie, attributes included


class SessionsConfig(BaseModel):
    """Keys of ``SESSIONS = {...}``; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    BACKEND: Literal["cookie", "redis", "memory"] = Field(
        "cookie", description="cookie: signed cookie; redis: shared store; memory: one process only"
    )
    REDIS_URL: str | None = Field(None, description="Redis URL, required by the redis backend")
    KEY_PREFIX: str = Field("surge:session:", description="Prefix of the store keys")
    LIFETIME: int = Field(14 * 24 * 3600, gt=0, description="Seconds a session lives after its last change")
    REFRESH_EACH_REQUEST: bool = Field(False, description="Extend the expiry on every request that sends the cookie")
    COOKIE_NAME: str = Field("session", description="Name of the session cookie")
    COOKIE_PATH: str = "/"
    COOKIE_DOMAIN: str | None = None
    COOKIE_SECURE: bool = Field(True, description="Send the cookie over HTTPS only")
    COOKIE_HTTPONLY: bool = Field(True, description="Hide the cookie from JavaScript")
    COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = "Lax"


class Sessions(BaseExtension[SessionsConfig], MiddlewareProvider, TemplateContextProvider, ReadinessProbe):
    """Loads the session before each request and saves it after, when it changed.

    List it in EXTENSIONS before the extensions that use the session (CSRF, session-based
    authentication). It also makes ``get_flashed_messages()`` available to templates.
    """

    config_model = SessionsConfig

    _config: SessionsConfig  # set by configure
    _backend: SessionBackend

    def validate_config(self, app: Surge) -> SessionsConfig:
        """Check ``SECRET_KEY``, then validate ``SESSIONS``.

        Raises:
            ImproperlyConfigured: ``SECRET_KEY`` missing or a key of ``SESSIONS`` invalid.
        """
        if not app.get_conf("SECRET_KEY", None):
            raise ImproperlyConfigured(f"SECRET_KEY must be set: {self.configs_name} signs the session cookie with it")
        return super().validate_config(app)

    def configure(self, app: Surge, config: SessionsConfig) -> None:
        """Pick the backend.

        Raises:
            ImproperlyConfigured: the redis backend without ``REDIS_URL``.
        """
        secret = str(app.get_conf("SECRET_KEY"))
        self._config = config
        if config.BACKEND == "cookie":
            self._backend = CookieSessionBackend(secret, config.LIFETIME)
        else:
            store = create_store(self.configs_name, config.BACKEND, config.REDIS_URL, config.KEY_PREFIX, app.logger)
            self._backend = StoreSessionBackend(secret, config.LIFETIME, store)

    def middleware(self) -> Sequence[MiddlewareBase]:
        """The middleware that loads and saves the session around every HTTP request."""
        return (SessionMiddleware(self.app, extension=self),)

    def template_context(self, request: Request | None) -> Mapping[str, Any]:
        """``get_flashed_messages`` for templates (an empty list outside a request)."""
        if request is None:
            return {"get_flashed_messages": _no_messages}

        def flashed(
            with_categories: bool = False,
            category_filter: tuple[str, ...] | list[str] = (),
            where: Mapping[str, Any] | None = None,
            with_details: bool = False,
        ) -> list[Any]:
            return get_flashed_messages(
                with_categories, category_filter, where=where, with_details=with_details, req=request
            )

        return {"get_flashed_messages": flashed}

    @property
    def config(self) -> SessionsConfig:
        """The validated ``SESSIONS`` section."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._config

    @property
    def cookie_name(self) -> str:
        """The session cookie's name."""
        return self.config.COOKIE_NAME

    @property
    def backend(self) -> SessionBackend:
        """Where sessions are kept."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._backend

    async def load(self, req: Request) -> Session:
        """The session of ``req``, loaded once (websocket handlers call this themselves).

        When the store is down, the session is an :class:`UnavailableSession`: only requests
        that use it answer 503.
        """
        session = req.session_data
        if isinstance(session, Session):
            return session
        try:
            session = await self.backend.load(req.cookies.get(self.config.COOKIE_NAME))
        except StoreUnavailable:
            session = req.session_data = UnavailableSession()
            return session
        if self.config.REFRESH_EACH_REQUEST and not session.new:
            session.touch()
        session.bind(req.path, self.backend.lifetime)
        req.session_data = session
        return session

    async def commit(self, session: Session, response: Response) -> None:
        """Save or delete ``session`` as it requires, and set or clear the cookie on ``response``."""
        config = self.config
        if not (session.modified or session.touched) or isinstance(session, UnavailableSession):
            return
        if not session:
            if not session.new or session.rotated_from is not None:  # it existed: forget it
                await self.backend.delete(session)
                response.delete_cookie(config.COOKIE_NAME, path=config.COOKIE_PATH, domain=config.COOKIE_DOMAIN)
            return
        value = await self.backend.save(session)
        if len(value) > _COOKIE_LIMIT:
            self.app.logger.warning(
                f"Session cookie of {len(value)} bytes: browsers drop cookies over 4 KB; "
                f"store less in the session or use the redis backend ({self.configs_name}.BACKEND)"
            )
        response.set_cookie(
            config.COOKIE_NAME,
            value,
            max_age=self.backend.lifetime_of(session),
            path=config.COOKIE_PATH,
            domain=config.COOKIE_DOMAIN,
            secure=config.COOKIE_SECURE,
            http_only=config.COOKIE_HTTPONLY,
            same_site=config.COOKIE_SAMESITE,
        )
        _add_vary(response, "Cookie")

    async def check_ready(self) -> None:
        """One read of the session store for ``/readyz`` (a Redis round trip); cookies have none.

        Raises:
            StoreUnavailable: the store does not answer.
        """
        backend = self.backend
        if isinstance(backend, StoreSessionBackend):
            await backend.store.get("surge:readiness")

    async def shutdown(self) -> None:
        """Close the store's connections."""
        await self.backend.close()


def _add_vary(response: Response, value: str) -> None:
    """Add ``value`` to the ``Vary`` header, keeping what is there (CORS adds ``Origin``)."""
    headers = response.headers
    key = next((name for name in headers if name.lower() == "vary"), "Vary")
    current = headers.get(key)
    if not current:
        headers[key] = value
    elif value.lower() not in (part.strip().lower() for part in current.split(",")):
        headers[key] = f"{current}, {value}"


def _no_messages(*args: object, **kwargs: object) -> list[Any]:
    return []


class SessionMiddleware(MiddlewareBase):
    """Runs around every HTTP request: load, handle, render, save."""

    sees_error_responses = True  # its headers/cookie go on error responses too

    def __init__(self, app: Surge, *, extension: Sessions) -> None:
        super().__init__(app)
        self.extension = extension

    async def middleware(self, req: Request) -> Response:
        extension = self.extension
        session = await extension.load(req)
        token = request_var.set(req)
        try:
            response = await self.next(req)
            # Rendering may touch the session (csrf_token(), get_flashed_messages()): do it before saving.
            await response.render()
        finally:
            request_var.reset(token)
        await extension.commit(session, response)
        return response
