"""Application configuration: a pydantic-settings class (env vars and ``.env`` override it)."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from surge.exceptions.config import ImproperlyConfigured, config_problems
from surge.http.request import Request
from surge.http.response import Response

__all__ = ["BaseConfig", "ConfigAccess", "ConfigSource", "LogLevel", "load_config"]


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
    SERVER_NAME: str | None = Field(
        None, description="Public host[:port] for url_for(_external=True) and cache keys; never taken from Host"
    )
    PORT: int = 8080
    LIFESPAN: str = "on"
    TEMPLATES_DIR: str = "/templates"
    STATIC_DIR: str = "/static"
    STATIC_URL: str = "/static"
    MEDIA_DIR: str = Field("/media", description="Second file folder (uploads, user media) under BASE_PATH")
    MEDIA_URL: str = Field("/media", description="URL prefix MEDIA_DIR is served at (when the folder exists)")
    TEMPLATES_STRICT: bool = True
    STRICT_SLASHES: bool = False
    MAX_CONTENT_LENGTH: int = Field(16 * 1024 * 1024, description="Largest request body accepted (bytes)")
    BODY_TIMEOUT: float = Field(30.0, gt=0, description="Seconds a request body may take to arrive; then 408")
    SHUTDOWN_TIMEOUT: float = Field(
        30.0, ge=0, description="Seconds shutdown waits for in-flight requests before running shutdown hooks"
    )

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
    SILENCED_DEPLOY_CHECKS: list[str] = Field(
        [], description='Deploy-check keys not to warn about (e.g. ["CORS_ALLOW_ORIGINS"]); "*" silences all'
    )

    @staticmethod
    def value_to_bool(value: str | int | bool | None) -> bool:
        """PyJolt's reading of a flag (an env var, a form field): True only for ``True``, ``1``, ``"1"``, ``"true"``, ``"True"``."""
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value == 1
        return value in ("true", "True", "1")


ConfigSource = type[BaseConfig] | BaseConfig | None
"""Where an app's config comes from: a config class, an instance, or None for the defaults."""


def load_config(source: ConfigSource) -> BaseConfig:
    """The config object of an app: ``source`` itself, an instance of it, or the defaults.

    Raises:
        ImproperlyConfigured: a value is invalid; the message names each key and the class.
    """
    if source is None:
        return BaseConfig()
    if isinstance(source, BaseConfig):
        return source
    try:
        return source()
    except ValidationError as exc:
        raise ImproperlyConfigured(f"Invalid configuration in {source.__name__}: {config_problems(exc)}") from None


class ConfigAccess:
    """Reading an app's configuration: ``get_conf``, ``config`` and the paths derived from it."""

    _config: BaseConfig

    def get_conf(self, config_name: str, default: Any = ...) -> Any:
        """The config value ``config_name``.

        Raises:
            KeyError: the key is absent and no default was given.
        """
        value = getattr(self._config, config_name, ...)
        if value is ...:
            if default is ...:
                raise KeyError(f"Configuration {config_name!r} is not set")
            return default
        return value

    @property
    def configs(self) -> dict[str, Any]:
        """The whole configuration as a dict."""
        return self._config.model_dump()

    @property
    def config(self) -> BaseConfig:
        """The configuration object."""
        return self._config

    @property
    def root_path(self) -> str:
        """The app's base folder (``BASE_PATH``)."""
        return os.path.abspath(self._config.BASE_PATH)

    @property
    def static_files_path(self) -> str:
        """The static files folder."""
        return os.path.join(self.root_path, self._config.STATIC_DIR.strip("/\\"))

    @property
    def templates_path(self) -> str:
        """The templates folder."""
        return os.path.join(self.root_path, self._config.TEMPLATES_DIR.strip("/\\"))

    @property
    def version(self) -> str:
        """``VERSION``."""
        return self._config.VERSION

    @property
    def app_name(self) -> str:
        """``APP_NAME``."""
        return self._config.APP_NAME
