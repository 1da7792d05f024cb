"""The Authentication extension: subclass it, implement ``user_loader``, list it in EXTENSIONS.

Listing the class in ``MIDDLEWARE`` instead (PyJolt 0.111.12's way) gives the same app: the
app's one instance is created and registered as an extension when the app compiles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from surge._imports import import_string
from surge.auth._default import require_login_by_default
from surge.auth._guards import (
    AuthSource,
    ExtensionsHolder,
    mark_public,
    methods_roles,
    protect,
    protect_optional,
)
from surge.auth.config import AuthenticationConfig
from surge.auth.exceptions import AuthenticationException, UnauthorizedException
from surge.auth.jwt_tokens import JwtCodec
from surge.auth.passwords import PasswordHasher
from surge.auth.roles import role_name, roles_of
from surge.auth.signing import CookieSigner
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import BaseExtension, find_extension
from surge.middleware.base import MiddlewareBase, Next
from surge.openapi.roles import SecuritySchemeProvider
from surge.security.csrf import AuthCookieProvider

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request

__all__ = ["Authentication", "adopt_authentication", "find_authentication"]

_Target = TypeVar("_Target", bound=Callable[..., Any])  # an endpoint function or a controller class


# MiddlewareBase: so MIDDLEWARE accepts the class; its ``app`` attribute is BaseExtension's property here.
class Authentication(  # type: ignore[misc]
    BaseExtension[AuthenticationConfig], SecuritySchemeProvider, AuthCookieProvider, MiddlewareBase
):
    """Base class of the app's authentication extension (config section ``AUTHENTICATION``).

    Subclasses implement ``async def user_loader(self, req)`` (return the user, or None) and
    optionally ``async def role_check(self, user, roles) -> bool``. ``@auth.login_required``
    loads the user into ``req.user`` or answers 401; ``@auth.role_required(*roles)`` answers
    403 when ``role_check`` refuses. Ready-made subclasses in :mod:`surge.auth.loaders` cover
    bearer JWTs, the session, a signed cookie and HTTP Basic.

    It may be listed in ``EXTENSIONS`` (an instance) or, as in PyJolt 0.111.12, in
    ``MIDDLEWARE`` (the class): the app then builds ``Class(app, next_app)``, which yields a
    placeholder in the chain while the one instance of the class is registered as the extension.
    The checks run per endpoint either way, so the app behaves the same.
    """

    config_model = AuthenticationConfig

    openapi_scheme_name: ClassVar[str | None] = None
    """Name of the OpenAPI security scheme of protected endpoints (None: not documented)."""

    _config: AuthenticationConfig  # set by validate_config, with the signers
    _signer: CookieSigner
    _jwt: JwtCodec

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """``Class(app, next_app)`` (MIDDLEWARE) gives the chain placeholder; other calls an instance."""
        if len(args) == 2 and not kwargs and callable(args[1]) and not isinstance(args[1], str):
            return _MiddlewareEntry(args[0], args[1], adopt_authentication(args[0], cls))
        return super().__new__(cls)

    def __init__(self, configs_name: str | None = None) -> None:
        section = getattr(type(self), "configs_name", None)  # PyJolt subclasses name it as a class attribute
        super().__init__(configs_name or (section if isinstance(section, str) else None) or "AUTHENTICATION")
        self._passwords: PasswordHasher | None = None
        self._source = AuthSource(find_authentication, self)

    # -- setup ------------------------------------------------------------------------------
    def validate_config(self, app: Surge) -> AuthenticationConfig:
        """Check ``user_loader`` and ``SECRET_KEY``, validate ``AUTHENTICATION``, build the signers.

        Building the JWT codec checks its keys, so a bad key fails before anything is registered.

        Raises:
            ImproperlyConfigured: ``user_loader`` is not implemented, ``SECRET_KEY`` is
                missing, or a key of the section is invalid.
        """
        if type(self).user_loader is Authentication.user_loader:
            raise ImproperlyConfigured(f"{type(self).__name__} must implement async def user_loader(self, req)")
        secret = app.get_conf("SECRET_KEY", None)
        if not secret:
            raise ImproperlyConfigured(f"SECRET_KEY must be set: {self.configs_name} signs cookies and tokens with it")
        config = super().validate_config(app)
        self._signer = CookieSigner(str(secret), max_age=config.COOKIE_MAX_AGE)
        self._jwt = JwtCodec.from_config(config, str(secret), app.root_path)
        self._config = config
        return config

    def configure(self, app: Surge, config: AuthenticationConfig) -> None:
        """Hook for subclasses: finish setup once the config is validated (default: nothing to do)."""

    @property
    def config(self) -> AuthenticationConfig:
        """The validated ``AUTHENTICATION`` section."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._config

    @property
    def jwt(self) -> JwtCodec:
        """The JWT codec (algorithm and keys from the config)."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
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

    @property
    def _cookie_signer(self) -> CookieSigner:
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._signer

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

    def openapi_security_schemes(self) -> dict[str, dict[str, Any]]:
        """``components.securitySchemes`` entries this extension contributes (read by the generator)."""
        name = self.openapi_scheme_name
        return {} if name is None else {name: self.openapi_scheme()}

    async def startup(self) -> None:
        """Name the security scheme on endpoints protected with the plain ``login_required``.

        Those decorators do not know the extension when they run; now every route is known.
        """
        name = self.openapi_scheme_name
        app = self.app
        if find_authentication(app) is not self:
            return
        if self.config.REQUIRED_BY_DEFAULT:
            require_login_by_default(self, app.router.routes, name)
        if name is None:
            return
        for router in (app.router, app.ws_router):
            for route in router.routes:
                info = route.info
                if info is None:
                    continue
                for extra in (info.spec.extra, info.controller_spec.extra):
                    if extra.get("login_required") and "security" not in extra:
                        extra["security"] = [{name: []}]
                    elif extra.get("login_optional") and "security" not in extra:
                        extra["security"] = [{name: []}, {}]

    def authentication_error(self) -> AuthenticationException:
        """The 401 raised when no user is logged in."""
        challenge = self.challenge()
        return AuthenticationException(
            self.config.AUTHENTICATION_ERROR_MESSAGE, headers={"WWW-Authenticate": challenge} if challenge else None
        )

    def unauthorized_error(self, roles: Sequence[Any] = ()) -> UnauthorizedException:
        """The 403 raised when the user lacks the roles; the required ``roles`` are its ``data``
        (PyJolt sends them too)."""
        return UnauthorizedException(self.config.UNAUTHORIZED_ERROR_MESSAGE, roles)

    # -- decorators ----------------------------------------------------------------------------
    def login_required(self, target: _Target) -> _Target:
        """Require a logged-in user on an endpoint, a ``@socket`` handler or a controller class."""
        return protect(target, self._source, None, self.openapi_scheme_name)

    def role_required(self, *roles: Any, **by_method: Sequence[Any]) -> Callable[[_Target], _Target]:
        """Require one of ``roles`` (checked with ``role_check``); implies ``login_required``.

        Keywords give a method its own roles: ``role_required(GET=["reader"], DELETE=["admin"])``;
        a method not named uses the positional roles (none: a login is enough).

        Raises:
            ValueError: a keyword is not an HTTP method.
        """
        mapping = methods_roles(by_method) or None
        positional = roles if roles or mapping is None else None

        def decorator(target: _Target) -> _Target:
            return protect(target, self._source, positional, self.openapi_scheme_name, mapping)

        return decorator

    def login_optional(self, target: _Target) -> _Target:
        """Load ``req.user`` when a user can be loaded; never answer 401 (None when there is none)."""
        return protect_optional(target, self._source, self.openapi_scheme_name)

    @staticmethod
    def public(target: _Target) -> _Target:
        """Exempt an endpoint or controller class from ``AUTHENTICATION.REQUIRED_BY_DEFAULT``."""
        return mark_public(target)

    # -- helpers of the seed ---------------------------------------------------------------------
    def create_signed_cookie_value(self, value: str | int) -> str:
        """``value`` signed with ``SECRET_KEY``, safe to put in a cookie."""
        return self._cookie_signer.sign(value)

    def decode_signed_cookie(self, cookie_value: str | None) -> str | None:
        """The string signed by :meth:`create_signed_cookie_value`; None if tampered, too old or missing."""
        return self._cookie_signer.unsign(cookie_value)

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


    # -- listed in MIDDLEWARE ------------------------------------------------------------------
    def chain(self, next_app: Next) -> Next:
        """An instance listed in MIDDLEWARE stays out of the chain; it must be in EXTENSIONS too.

        Raises:
            ImproperlyConfigured: the instance is not in EXTENSIONS (list the class in MIDDLEWARE instead).
        """
        if self._app is None:
            raise ImproperlyConfigured(
                f"{self!r} is listed in MIDDLEWARE as an instance: list the class there, or the instance in EXTENSIONS"
            )
        return next_app


class _MiddlewareEntry(MiddlewareBase):
    """What ``AuthClass(app, next_app)`` builds for MIDDLEWARE: links nothing, costs nothing per request."""

    def __init__(self, app: Any, next_app: Next, extension: Authentication) -> None:
        super().__init__(app, next_app)
        self.extension = extension

    def chain(self, next_app: Next) -> Next:
        """The checks run in the endpoints' pipelines: the chain goes straight on."""
        return next_app


def adopt_authentication(app: Surge, kind: type[Authentication]) -> Authentication:
    """The app's extension of class ``kind`` (listed in MIDDLEWARE), created and registered if needed.

    The new instance is set up exactly as EXTENSIONS would (``init_app``, startup and shutdown).
    """
    existing = find_extension(app, kind)
    if existing is not None:
        return existing
    extension = kind()
    extension.init_app(app)
    app.add_on_startup_method(extension.startup)
    app.add_on_shutdown_method(extension.shutdown)
    return extension


def _from_middleware(host: ExtensionsHolder) -> Authentication | None:
    """The Authentication listed in the app's MIDDLEWARE (PyJolt's way), adopted as the extension."""
    app = cast("Surge", getattr(host, "config", host))  # the compile context carries the app as ``config``
    get_conf = getattr(app, "get_conf", None)
    if get_conf is None:
        return None
    for target in get_conf("MIDDLEWARE", None) or ():
        listed = import_string(target, "MIDDLEWARE") if isinstance(target, str) else target
        if isinstance(listed, type) and issubclass(listed, Authentication):
            return adopt_authentication(app, listed)
    return None


def find_authentication(app: ExtensionsHolder) -> Authentication:
    """The app's Authentication extension (the one named ``authentication``, else the first).

    ``app`` is the application, or the compile context an endpoint is compiled in. An
    Authentication listed only in MIDDLEWARE is registered as the extension on first need.

    Raises:
        ImproperlyConfigured: no Authentication is listed in EXTENSIONS or MIDDLEWARE.
    """
    found = find_extension(app, Authentication, "authentication") or find_extension(app, Authentication)
    if found is None:
        found = _from_middleware(app)
    if found is None:
        raise ImproperlyConfigured(
            "login_required / role_required need an Authentication subclass listed in EXTENSIONS or MIDDLEWARE"
        )
    return found
