"""The ``CACHE`` config section, validated once at startup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from surge._imports import import_string
from surge.caching.backends.base import BaseCacheBackend
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import load_section

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["CacheConfig", "load_cache_config"]


class CacheConfig(BaseModel):
    """Keys of the ``CACHE`` section (other keys are kept for custom backends).

    PyJolt's spellings are accepted too: ``CACHE_SQLITE_PATH`` (and the other ``CACHE_SQLITE_*``
    keys of its SQLite backend's model), ``CACHE_DURATION``, ``CACHE_KEY_PREFIX``, ``MEMORY_MAXSIZE``.
    """

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    BACKEND: type[BaseCacheBackend] | None = Field(
        None, description="Backend class (or 'module:Class'); None means MemoryCacheBackend"
    )
    DURATION: int = Field(300, gt=0, validation_alias=AliasChoices("DURATION", "CACHE_DURATION"), description="Default time to live of an entry, in seconds")
    TIMEOUT: float = Field(5.0, gt=0, description="Longest wait for the backend before a lookup counts as a miss")
    KEY_PREFIX: str | None = Field(
        None, validation_alias=AliasChoices("KEY_PREFIX", "CACHE_KEY_PREFIX"), description="Namespace for the keys (Redis default 'surge:cache:', SQLite default none)"
    )
    MEMORY_MAX_ENTRIES: int = Field(
        1024, gt=0, validation_alias=AliasChoices("MEMORY_MAX_ENTRIES", "MEMORY_MAXSIZE"), description="Memory backend: entries kept before LRU eviction")
    REDIS_URL: str | None = Field(None, description="Redis backend: redis://host:port/db (required)")
    REDIS_PASSWORD: str | None = Field(None, description="Redis backend: password, if not in the URL")
    REDIS_SOCKET_TIMEOUT: float = Field(1.0, gt=0, description="Redis backend: connect and read timeout, seconds")
    SQLITE_PATH: str = Field(
        "./surge_cache.db",
        validation_alias=AliasChoices("SQLITE_PATH", "CACHE_SQLITE_PATH"),
        description="SQLite backend: database file",
    )
    SQLITE_TABLE: str = Field(
        "cache_entries",
        validation_alias=AliasChoices("SQLITE_TABLE", "CACHE_SQLITE_TABLE"),
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="SQLite backend: table")
    SQLITE_WAL_CHECKPOINT_MODE: Literal["PASSIVE", "FULL", "RESTART", "TRUNCATE"] = Field(
        "PASSIVE",
        validation_alias=AliasChoices("SQLITE_WAL_CHECKPOINT_MODE", "CACHE_SQLITE_WAL_CHECKPOINT_MODE"),
        description="SQLite backend: mode of the WAL checkpoints"
    )
    SQLITE_WAL_CHECKPOINT_EVERY: int = Field(
        100,
        ge=0,
        validation_alias=AliasChoices("SQLITE_WAL_CHECKPOINT_EVERY", "CACHE_SQLITE_WAL_CHECKPOINT_EVERY"),
        description="SQLite backend: checkpoint the WAL every N writes (0: leave it to SQLite)"
    )

    @field_validator("BACKEND", mode="before")
    @classmethod
    def _import_backend(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = import_string(value, "BACKEND")
            except ImproperlyConfigured as exc:
                raise ValueError(str(exc)) from None
        if value is not None and not (isinstance(value, type) and issubclass(value, BaseCacheBackend)):
            raise ValueError(f"must be a subclass of surge.caching.BaseCacheBackend, got {value!r}")
        return value


def load_cache_config(app: Surge, section: str) -> CacheConfig:
    """Validate the config section named ``section``.

    Raises:
        ImproperlyConfigured: a key is invalid; the message names ``SECTION.KEY``.
    """
    return load_section(app, section, CacheConfig)
