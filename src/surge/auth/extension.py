"""The Authentication extension: subclass it, implement ``user_loader``, list it in EXTENSIONS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from surge.auth._guards import protect
from surge.auth.config import AuthenticationConfig
from surge.auth.exceptions import AuthenticationException, UnauthorizedException
from surge.auth.jwt_tokens import JwtCodec
from surge.auth.passwords import PasswordHasher
from surge.auth.roles import role_name, roles_of
from surge.auth.signing import CookieSigner
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import BaseExtension
from surge.openapi.roles import SecuritySchemeProvider

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request

__all__ = ["Authentication", "find_authentication"]


class Authentication(BaseExtension, SecuritySchemeProvider):
    """Base class of the app's authentication extension (config section ``AUTHENTICATION``).

    Subclasses implement ``async def user_loader(self, req)`` (return the user, or None) and
    optionally ``async def role_check(self, user, roles) -> bool``. ``@auth.login_required``
    loads the user into ``req.user`` or answers 401; ``@auth.role_required(*roles)`` answers
    403 when ``role_check`` refuses. Ready-made subclasses in :mod:`surge.auth.loaders` cover
    bearer JWTs, the session, a signed cookie and HTTP Basic.
    """

    openapi_scheme_name: ClassVar[str | None] = None
    """Name of the OpenAPI security scheme of protected endpoints (None: not documented)."""

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name or "AUTHENTICATION")
        self._config: AuthenticationConfig | None = None
        self._signer: CookieSigner | None = None
        self._jwt: JwtCodec | None = None
        self._passwords: PasswordHasher | None = None

    # -- setup ------------------------------------------------------------------------------
    def init_app(self, app: Surge) -> None:
        """Validate ``AUTHENTICATION`` and ``SECRET_KEY`` and prepare the signers.

        Raises:
            ImproperlyConfigured: ``user_loader`` is not implemented, ``SECRET_KEY`` is
                missing, or a key of the section is invalid.
        """
        if type(self).user_loader is Authentication.user_loader:
            raise ImproperlyConfigured(f"{type(self).__name__} must implement async def user_loader(self, req)")
        secret = app.get_conf("SECRET_KEY", None)
        if not secret:
            raise ImproperlyConfigured(f"SECRET_KEY must be set: {self.configs_name} signs cookies and tokens with it")
        config = self.load_config(app, AuthenticationConfig)
        super().init_app(app)
        self._config = config
        self._signer = CookieSigner(str(secret), max_age=config.COOKIE_MAX_AGE)
        self._jwt = JwtCodec.from_config(config, str(secret), app.root_path)
        self.configure(app, config)

    def configure(self, app: Surge, config: AuthenticationConfig) -> None:
        """Hook for subclasses: finish setup once the config is validated (default: nothing to do)."""

    @property
    def config(self) -> AuthenticationConfig:
        """The validated ``AUTHENTICATION`` section.

        Raises:
            RuntimeError: the extension is not initialized (not listed in EXTENSIONS).
        """
        if self._config is None:
            raise RuntimeError(f"{type(self).__name__} is not initialized: list it in EXTENSIONS")
        return self._config

    @property
    def jwt(self) -> JwtCodec:
        """The JWT codec (algorithm and keys from the config)."""
        if self._jwt is None:
            raise RuntimeError(f"{type(self).__name__} is not initialized: list it in EXTENSIONS")
        return self._jwt

    @property
    def passwords(self) -> PasswordHasher:
        """The password hasher (created on first use: it computes one hash to start)."""
        if self._passwords is None:
            self._passwords = PasswordHasher()
        return self._passwords

    @property
    def auth_cookie_names(self) -> tuple[str, ...]:
        """Cookies that authenticate a request; CSRF protection checks requests carrying them."""
        return ()

    # -- the contract ---------------------------------------------------------------------------
    async def user_loader(self, req: Request) -> Any:
        """Return the user making ``req``, or None when nobody is logged in.

        Raises:
            NotImplementedError: always; subclasses implement it (checked at startup).
        """
        raise NotImplementedError(f"{type(self).__name__} must implement user_loader")

    async def role_check(self, user: Any, roles: list[Any]) -> bool:
        """True when ``user`` has at least one of ``roles``.

        The default compares :func:`roles_of` ``(user)`` with the role names; override it for
        other models.
        """
        wanted = {role_name(role) for role in roles}
        return bool(roles_of(user) & wanted)

    def challenge(self) -> str | None:
        """The ``WWW-Authenticate`` value sent with 401 (None: no header)."""
        return None

    # -- OpenAPI ------------------------------------------------------------------------------
    def openapi_scheme(self) -> dict[str, Any]:
        """The OpenAPI security scheme object of ``openapi_scheme_name`` (subclasses define it)."""
        return {"type": "http", "scheme": "bearer"}

    def openapi_security_schemes(self) -> dict[str, Any]:
        """``components.securitySchemes`` entries this extension contributes (read by the generator)."""
        name = self.openapi_scheme_name
        return {} if name is None else {name: self.openapi_scheme()}

    async def startup(self) -> None:
        """Name the security scheme on endpoints protected with the plain ``login_required``.

        Those decorators do not know the extension when they run; now every route is known.
        """
        name = self.openapi_scheme_name
        if name is None or self._app is None or find_authentication(self._app) is not self:
            return
        for router in (self._app.router, self._app.ws_router):
            for route in router.routes:
                info = route.info
                if info is None:
                    continue
                for extra in (info.spec.extra, info.controller_spec.extra):
                    if extra.get("login_required") and "security" not in extra:
                        extra["security"] = [{name: []}]

    def authentication_error(self) -> AuthenticationException:
        """The 401 raised when no user is logged in."""
        challenge = self.challenge()
        return AuthenticationException(
            self.config.AUTHENTICATION_ERROR_MESSAGE, headers={"WWW-Authenticate": challenge} if challenge else None
        )

    def unauthorized_error(self) -> UnauthorizedException:
        """The 403 raised when the user lacks the roles."""
        return UnauthorizedException(self.config.UNAUTHORIZED_ERROR_MESSAGE)

    # -- decorators ----------------------------------------------------------------------------
    def _resolver(self) -> Any:
        def resolve(app: Surge) -> Authentication:
            if self._app is None:
                raise ImproperlyConfigured(f"{type(self).__name__} protects endpoints but is not listed in EXTENSIONS")
            return self

        return resolve

    def login_required(self, target: Any) -> Any:
        """Require a logged-in user on an endpoint, a ``@socket`` handler or a controller class."""
        return protect(target, self._resolver(), None, self.openapi_scheme_name)

    def role_required(self, *roles: Any) -> Any:
        """Require one of ``roles`` (checked with ``role_check``); implies ``login_required``."""

        def decorator(target: Any) -> Any:
            return protect(target, self._resolver(), roles, self.openapi_scheme_name)

        return decorator

    # -- helpers of the seed ---------------------------------------------------------------------
    def create_signed_cookie_value(self, value: str | int) -> str:
        """``value`` signed with ``SECRET_KEY``, safe to put in a cookie."""
        if self._signer is None:
            raise RuntimeError(f"{type(self).__name__} is not initialized: list it in EXTENSIONS")
        return self._signer.sign(value)

    def decode_signed_cookie(self, cookie_value: str | None) -> Any:
        """The value signed by :meth:`create_signed_cookie_value`; None if tampered, too old or missing."""
        if self._signer is None:
            raise RuntimeError(f"{type(self).__name__} is not initialized: list it in EXTENSIONS")
        return self._signer.unsign(cookie_value)

    def create_password_hash(self, password: str) -> str:
        """An argon2id hash of ``password`` (CPU-bound: see :meth:`create_password_hash_async`)."""
        return self.passwords.hash(password)

    def check_password_hash(self, password: str, hashed_password: str | None) -> bool:
        """True when ``password`` matches ``hashed_password`` (argon2 or bcrypt); None never matches."""
        return self.passwords.verify(password, hashed_password)

    async def create_password_hash_async(self, password: str) -> str:
        """:meth:`create_password_hash` in a worker thread, keeping the event loop free."""
        return await self.passwords.hash_async(password)

    async def check_password_hash_async(self, password: str, hashed_password: str | None) -> bool:
        """:meth:`check_password_hash` in a worker thread, keeping the event loop free."""
        return await self.passwords.verify_async(password, hashed_password)

    def password_needs_rehash(self, hashed_password: str) -> bool:
        """True for hashes to upgrade at the next login (bcrypt, old argon2 parameters)."""
        return self.passwords.needs_rehash(hashed_password)

    def create_jwt_token(self, payload: Mapping[str, Any], expires_in: int | None = None) -> str:
        """A signed JWT with ``payload``, expiring in ``expires_in`` seconds (default ``JWT_EXPIRES_IN``)."""
        return self.jwt.encode(payload, expires_in)

    def validate_jwt_token(self, token: str | None) -> dict[str, Any] | None:
        """The claims of a valid token; None when it is missing, forged, expired or malformed."""
        return self.jwt.validate(token)


def find_authentication(app: Surge) -> Authentication:
    """The app's Authentication extension (the one named ``authentication``, else the first).

    Raises:
        ImproperlyConfigured: no Authentication extension is listed in EXTENSIONS.
    """
    found = app.extensions.get("authentication")
    if isinstance(found, Authentication):
        return found
    for extension in app.extensions.values():
        if isinstance(extension, Authentication):
            return extension
    raise ImproperlyConfigured(
        "login_required / role_required need an Authentication subclass instance listed in EXTENSIONS"
    )
