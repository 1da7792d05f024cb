"""Authentication: the extension of the seed, ready-made loaders, and the crypto helpers."""

from surge.auth.authentication import AuthConfig, AuthUtils
from surge.auth.config import AuthenticationConfig
from surge.auth.decorators import login_optional, login_required, public, role_required
from surge.auth.exceptions import AuthenticationException, UnauthorizedException
from surge.auth.extension import Authentication
from surge.auth.jwt_tokens import JwtCodec
from surge.auth.loaders import (
    BasicAuthentication,
    BearerTokenAuthentication,
    SessionAuthentication,
    SignedCookieAuthentication,
    basic_credentials,
    bearer_token,
)
from surge.auth.passwords import PasswordHasher
from surge.auth.roles import roles_of

__all__ = [
    "AuthConfig",
    "AuthUtils",
    "Authentication",
    "AuthenticationConfig",
    "AuthenticationException",
    "BasicAuthentication",
    "BearerTokenAuthentication",
    "JwtCodec",
    "PasswordHasher",
    "SessionAuthentication",
    "SignedCookieAuthentication",
    "UnauthorizedException",
    "basic_credentials",
    "bearer_token",
    "login_optional",
    "login_required",
    "public",
    "role_required",
    "roles_of",
]
