"""The ``NOSQL_DATABASE`` config section, validated once at startup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from surge._imports import import_string
from surge.database.nosql.backends.base import AsyncNoSqlBackendBase
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import load_section

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["NoSqlDatabaseConfig", "load_nosql_config"]


class NoSqlDatabaseConfig(BaseModel):
    """Keys of the ``NOSQL_DATABASE`` section (other keys are kept for custom backends)."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True, populate_by_name=True)

    BACKEND: type[AsyncNoSqlBackendBase] = Field(description="Backend class (or 'module:Class')")
    DATABASE_URI: str = Field(description="Connection string (mongodb://..., sqlite:///path.db)")
    DATABASE: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE", "DATABASE_NAME"),
        description="Database name, for backends that have one (PyJolt's DATABASE_NAME too)",
    )
    DB_INJECT_NAME: str = Field(
        "db",
        validation_alias=AliasChoices("DB_INJECT_NAME", "INJECT_NAME"),
        description="Handler argument that receives the database (PyJolt's INJECT_NAME too)",
    )
    NICE_NAME: str | None = Field(None, description="The database's name in admin views")
    SESSION_NAME: str = Field("session", description="Handler argument that receives the session")
    TABLE_PREFIX: str = Field(
        "", pattern=r"^[A-Za-z0-9_]*$", description="SqliteJsonBackend: prefix of the collection tables"
    )
    SERVER_SELECTION_TIMEOUT_MS: int = Field(5000, gt=0, description="MongoBackend: how long to look for a server")

    @field_validator("BACKEND", mode="before")
    @classmethod
    def _import_backend(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                value = import_string(value, "BACKEND")
            except ImproperlyConfigured as exc:
                raise ValueError(str(exc)) from None
        if not (isinstance(value, type) and issubclass(value, AsyncNoSqlBackendBase)):
            raise ValueError(f"must be a subclass of AsyncNoSqlBackendBase, got {value!r}")
        return value


def load_nosql_config(app: Surge, section: str) -> NoSqlDatabaseConfig:
    """Validate the config section named ``section``.

    Raises:
        ImproperlyConfigured: the section is missing or a key is invalid; the message names
            ``SECTION.KEY``.
    """
    return load_section(app, section, NoSqlDatabaseConfig, required=True, owner="NoSqlDatabase")
