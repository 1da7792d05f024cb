"""Application configuration: a pydantic-settings class (env vars and ``.env`` override it)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from surge.http.request import Request
from surge.http.response import Response

__all__ = ["BaseConfig", "LogLevel"]


class LogLevel(StrEnum):
    """Log levels understood by loguru."""

    TRACE = "TRACE"
    DEBUG = "DEBUG"
    INFO = "INFO"
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    ERROR = "ERROR"
    CRITICAL = "CRITICAL"


class BaseConfig(BaseSettings):
    """Base of every app's ``Config`` class.

    Any field can be overridden by an environment variable of the same name or a line in
    ``.env``. Extension sections (``SQL_DATABASE = {...}``, ``CACHE = {...}``) are plain dict
    fields declared on the subclass; each extension validates its own section at startup.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="allow", arbitrary_types_allowed=True
    )

    APP_NAME: str = Field("Surge app", description="Human-readable name of the app")
    VERSION: str = Field("1.0", description="Application version")
    BASE_PATH: str = Field(".", description="Base folder of the app; templates and static live under it")
    REQUEST_CLASS: type[Request] = Field(Request, description="Request class (subclass of surge.Request)")
    RESPONSE_CLASS: type[Response] = Field(Response, description="Response class (subclass of surge.Response)")
    SECRET_KEY: str | None = Field(None, description="Secret for signing cookies and tokens")

    DEBUG: bool = True
    HOST: str = "localhost"
    PORT: int = 8080
    LIFESPAN: str = "on"
    TEMPLATES_DIR: str = "/templates"
    STATIC_DIR: str = "/static"
    STATIC_URL: str = "/static"
    TEMPLATES_STRICT: bool = True
    STRICT_SLASHES: bool = False
    MAX_CONTENT_LENGTH: int = Field(16 * 1024 * 1024, description="Largest request body accepted (bytes)")

    OPEN_API: bool = True
    OPEN_API_URL: str = "/openapi"
    OPEN_API_DESCRIPTION: str = "Simple API"
    OPEN_API_IN_PRODUCTION: bool = Field(False, description="Serve the OpenAPI spec and docs when DEBUG is false too")

    CORS_ENABLED: bool = True
    CORS_ALLOW_ORIGINS: list[str] = ["*"]
    CORS_ALLOW_METHODS: list[str] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    CORS_ALLOW_HEADERS: list[str] = ["Authorization", "Content-Type"]
    CORS_EXPOSE_HEADERS: list[str] = []
    CORS_ALLOW_CREDENTIALS: bool = True
    CORS_MAX_AGE: int | None = None

    CONTROLLERS: list[str] = []
    CLI_CONTROLLERS: list[str] = []
    EXTENSIONS: list[str] = []
    MODELS: list[str] = []
    EXCEPTION_HANDLERS: list[str] = []
    MIDDLEWARE: list[str] = []
    LOGGERS: list[str] = []
    DEPENDENCIES: list[str] = []

    DEFAULT_LOGGER: dict[str, Any] = {}
    ACCESS_LOG: bool | None = Field(None, description="Log one line per request; None means on when DEBUG")
