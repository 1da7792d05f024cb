"""The ``REST_API`` config section, validated once at startup."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RestApiConfig"]


class RestApiConfig(BaseModel):
    """Keys of ``REST_API = {...}``; every key is optional. Unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    ENDPOINTS: dict[str, str] = Field(
        default_factory=dict, description="URL -> 'module:EndpointClass' of the resources to serve"
    )
    DATABASE: str | None = Field(
        None, description="The SqlDatabase to use: its extension name or db_name (default: the only one)"
    )
    CREATE_TABLES: bool = Field(True, description="Create the missing tables of the resources at startup")
    JWT_SECRET: str | None = Field(
        None,
        description="HS256 key of RestJWTAuthentication (32+ bytes); default: $SURGE_JWT_SECRET, else derived from SECRET_KEY",
    )
    JWT_EXPIRES_IN: int = Field(3600, gt=0, description="Lifetime of the tokens /auth/token issues, in seconds")
    LOGIN_VALIDATOR: str | None = Field(
        None, description="'module:function' (username, password) -> user payload dict or None; enables /auth/*"
    )
    LOGIN_PATH: str = Field("/auth", description="Prefix of the login and token routes")
    LOGIN_MODE: Literal["auto", "jwt", "basic"] = Field(
        "auto", description="jwt: login returns a token; basic: only the user; auto: basic when only Basic is used"
    )
    RATE_LIMIT: Any = Field(
        None, description="Global limit per client on every resource: {'requests': 100, 'window': 60} or '100/minute'"
    )
    RATE_LIMIT_BACKEND: Literal["memory", "redis"] = Field(
        "memory", description="Where counters live when the app has no RateLimiter extension"
    )
    REDIS_URL: str | None = Field(None, description="Redis URL for RATE_LIMIT_BACKEND='redis'")
    CACHE: str | None = Field(
        None, description="Name of the surge.caching.Cache extension for Meta.cache (default: the app's, else memory)"
    )
    MIDDLEWARE: list[str] = Field(default_factory=list, description="'module:Class' of surge.rest.RestMiddleware subclasses")
    BASIC_REALM: str = Field("api", description="Realm announced by RestBasicAuthentication")
