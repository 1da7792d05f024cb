"""Authentication backends and permission classes of REST resources.

A backend proves who sent a request (``authenticate`` returns the user payload, None when
the request carries no credentials, or raises :class:`AuthenticationFailed` for bad ones);
a permission decides whether that user (or nobody) may go on. The payload is set as
``req.user`` and ``req.state.user``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from surge.auth.loaders import basic_credentials, bearer_token
from surge.extension import find_extension
from surge.rest.errors import RestError

if TYPE_CHECKING:
    from surge.auth.extension import Authentication
    from surge.http.request import Request
    from surge.rest._protocols import ApiContext

__all__ = [
    "AUTH_FAILED",
    "AllowAny",
    "AppAuthentication",
    "AuthenticationFailed",
    "BaseAuthentication",
    "BasePermission",
    "BasicAuthentication",
    "DENIED",
    "IsAdminUser",
    "IsAuthenticated",
    "JWTAuthentication",
    "PermissionDenied",
    "RestBasicAuthentication",
    "RestJWTAuthentication",
    "UserPayload",
    "check_permission",
]

AUTH_FAILED = "Authentication credentials invalid."
"""The ``detail`` of a 401."""

DENIED = "You do not have permission to perform this action."
"""The ``detail`` of a 403."""

UserPayload = dict[str, Any]
"""Who a backend found: the login validator's answer or a token's claims (``req.user``)."""


class AuthenticationFailed(RestError):
    """401: missing or invalid credentials."""

    def __init__(self, challenge: str | None = None, detail: str = AUTH_FAILED) -> None:
        super().__init__(401, detail, {"WWW-Authenticate": challenge} if challenge else None)


class PermissionDenied(RestError):
    """403: the user is known but not allowed."""

    def __init__(self, detail: str = DENIED) -> None:
        super().__init__(403, detail)


class BaseAuthentication:
    """Base of the backends; one instance per resource, made when the app compiles.

    ``api`` is the :class:`~surge.rest.RestApi` the resource is registered with; override
    ``validate_credentials`` to check a user name and password (used by Basic and by the
    ``/auth/login`` and ``/auth/token`` routes); the default asks the RestApi's
    ``login_validator``.
    """

    challenge: ClassVar[str | None] = None
    openapi_scheme_name: ClassVar[str] = "restAuth"

    def __init__(self) -> None:
        self.api: ApiContext | None = None

    def configure(self, api: ApiContext) -> None:
        """Bind to the RestApi (at startup); check what the backend needs from its config."""
        self.api = api

    async def authenticate(self, request: Request) -> object:
        """The user payload, None when there are no credentials.

        Raises:
            AuthenticationFailed: the credentials are there but wrong.
        """
        return None

    async def validate_credentials(self, username: str, password: str) -> UserPayload | None:
        """The user payload for a correct user name and password, else None."""
        if self.api is None:
            return None
        return await self.api.validate_login(username, password)

    def openapi_scheme(self) -> dict[str, Any]:
        """The OpenAPI security scheme of this backend."""
        return {"type": "http", "scheme": "bearer"}

    def openapi(self, api: ApiContext) -> tuple[str, dict[str, Any]]:
        """The name and definition of this backend's security scheme in ``api``'s app."""
        return self.openapi_scheme_name, self.openapi_scheme()


class AppAuthentication(BaseAuthentication):
    """The app's own :class:`surge.auth.Authentication` extension loads the user.

    A resource is then protected by the same login as the rest of the app (bearer JWT,
    session, signed cookie, Basic: whatever the extension's ``user_loader`` accepts).
    """

    def configure(self, api: ApiContext) -> None:
        super().configure(api)
        self.extension = _app_authentication(api)
        self.challenge = self.extension.challenge()  # type: ignore[misc]

    async def authenticate(self, request: Request) -> object:
        if request.user is not None:
            return request.user
        return await self.extension.user_loader(request)

    def openapi(self, api: ApiContext) -> tuple[str, dict[str, Any]]:
        extension = _app_authentication(api)
        return extension.openapi_scheme_name or "appAuth", extension.openapi_scheme()


def _app_authentication(api: ApiContext) -> Authentication:
    from surge.auth.extension import Authentication
    from surge.rest.errors import ConfigurationError

    extension = find_extension(api.app, Authentication)
    if extension is None:
        raise ConfigurationError("AppAuthentication needs a surge.auth Authentication extension in EXTENSIONS")
    return extension


class RestJWTAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``: a JWT signed with ``REST_API.JWT_SECRET`` (HS256).

    LightAPI's ``JWTAuthentication``.

    Tokens come from ``POST /auth/token`` (or :meth:`RestApi.create_token`); they carry the
    payload the login validator returned, plus ``iat`` and ``exp``.
    """

    challenge = "Bearer"
    openapi_scheme_name = "bearerAuth"

    def configure(self, api: ApiContext) -> None:
        super().configure(api)
        api.jwt  # noqa: B018 - fails at startup, naming the key, when no secret is configured

    async def authenticate(self, request: Request) -> UserPayload | None:
        token = bearer_token(request)
        if token is None:
            if request.headers.get("authorization"):
                raise AuthenticationFailed(self.challenge)
            return None
        assert self.api is not None
        claims = self.api.jwt.validate(token)
        if claims is None:
            raise AuthenticationFailed(self.challenge)
        return claims

    def openapi_scheme(self) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class RestBasicAuthentication(BaseAuthentication):
    """``Authorization: Basic``: the user name and password go to ``validate_credentials``.

    LightAPI's ``BasicAuthentication`` (``surge.auth.BasicAuthentication`` is the app-wide one).
    """

    openapi_scheme_name = "basicAuth"

    @property
    def challenge(self) -> str:  # type: ignore[override]
        realm = self.api.config.BASIC_REALM if self.api is not None else "api"
        return f'Basic realm="{realm}"'

    def configure(self, api: ApiContext) -> None:
        super().configure(api)
        if type(self).validate_credentials is BaseAuthentication.validate_credentials and not api.has_login_validator:
            from surge.rest.errors import ConfigurationError

            raise ConfigurationError(
                f"{type(self).__name__} needs {api.configs_name}.LOGIN_VALIDATOR (or RestApi(login_validator=...)) "
                "or an override of validate_credentials()"
            )

    async def authenticate(self, request: Request) -> UserPayload | None:
        credentials = basic_credentials(request)
        if credentials is None:
            if request.headers.get("authorization"):
                raise AuthenticationFailed(self.challenge)
            return None
        user = await self.validate_credentials(*credentials)
        if user is None:
            raise AuthenticationFailed(self.challenge)
        return user

    def openapi_scheme(self) -> dict[str, Any]:
        return {"type": "http", "scheme": "basic"}


class BasePermission:
    """Base of the permission classes: ``has_permission`` may be sync or async."""

    def has_permission(self, request: Request) -> bool | Awaitable[bool]:
        """True to let the request through (may be a coroutine function)."""
        return True


class AllowAny(BasePermission):
    """Everyone, authenticated or not."""


class IsAuthenticated(BasePermission):
    """Any authenticated user (``request.state.user`` is set)."""

    def has_permission(self, request: Request) -> bool:
        return request.user is not None


class IsAdminUser(BasePermission):
    """Users whose payload has ``is_admin`` set to true."""

    def has_permission(self, request: Request) -> bool:
        user = request.user
        if isinstance(user, Mapping):
            return user.get("is_admin") is True
        return getattr(user, "is_admin", False) is True


async def check_permission(permission: BasePermission, request: Request) -> bool:
    """Run ``permission.has_permission(request)`` whether it is sync or async."""
    result = permission.has_permission(request)
    if inspect.isawaitable(result):
        result = await result
    return bool(result)


JWTAuthentication = RestJWTAuthentication
"""LightAPI's name for :class:`RestJWTAuthentication`."""

BasicAuthentication = RestBasicAuthentication
"""LightAPI's name for :class:`RestBasicAuthentication`."""
