"""The ``AUTHENTICATION`` config section."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

__all__ = ["AuthenticationConfig", "JwtAlgorithm"]

JwtAlgorithm = Literal[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"
]
"""Signing algorithms accepted for JWTs; ``none`` is deliberately not one of them."""


class AuthenticationConfig(BaseModel):
    """Keys of ``AUTHENTICATION = {...}``; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    AUTHENTICATION_ERROR_MESSAGE: str = Field(
        "Login required",
        description="Message of the 401 error (PyJolt's AUTHENTICATION_ERROR_MSG is accepted too)",
        validation_alias=AliasChoices("AUTHENTICATION_ERROR_MESSAGE", "AUTHENTICATION_ERROR_MSG"),
    )
    UNAUTHORIZED_ERROR_MESSAGE: str = Field(
        "Missing user role(s)",
        description="Message of the 403 error (PyJolt's AUTHORIZATION_ERROR_MSG is accepted too)",
        validation_alias=AliasChoices("UNAUTHORIZED_ERROR_MESSAGE", "AUTHORIZATION_ERROR_MSG"),
    )

    REQUIRED_BY_DEFAULT: bool = Field(
        False, description="Every HTTP endpoint needs a user unless marked @auth.public (static files, docs exempt)"
    )

    JWT_ALGORITHM: JwtAlgorithm = Field("HS256", description="The only algorithm tokens may be signed with")
    JWT_SECRET: str | None = Field(
        None, description="HMAC key for HS* (at least as long as the hash); default: derived from SECRET_KEY"
    )
    JWT_PRIVATE_KEY: str | None = Field(None, description="PEM text or file path of the RS/PS/ES/EdDSA signing key")
    JWT_PUBLIC_KEY: str | None = Field(
        None, description="PEM text or file path of the verification key; default: derived from the private key"
    )
    JWT_ISSUER: str | None = Field(None, description="`iss` put into new tokens and required in validated ones")
    JWT_AUDIENCE: str | None = Field(None, description="`aud` put into new tokens and required in validated ones")
    JWT_LEEWAY: int = Field(0, ge=0, description="Seconds of clock skew tolerated on exp, nbf and iat")
    JWT_EXPIRES_IN: int = Field(3600, gt=0, description="Default lifetime of new tokens, in seconds")

    COOKIE_NAME: str = Field("auth_cookie", description="Cookie used by SignedCookieAuthentication")
    COOKIE_MAX_AGE: int | None = Field(
        None, gt=0, description="Signed cookies older than this are refused (seconds); None: no limit"
    )
    COOKIE_SECURE: bool = Field(True, description="Secure flag of the auth cookie")
    COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = Field("Lax", description="SameSite of the auth cookie")

    SESSION_KEY: str = Field("_user_id", description="Session key SessionAuthentication stores the user id under")
    BASIC_REALM: str = Field("Restricted", description="Realm announced by BasicAuthentication")
