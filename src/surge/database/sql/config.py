"""The ``SQL_DATABASE`` config section, validated once at startup."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_DATABASE_URI", "SqlDatabaseConfig"]

DEFAULT_DATABASE_URI = "sqlite+aiosqlite:///./surge.db"


class SqlDatabaseConfig(BaseModel):
    """Keys of one SQL database's config section (``SQL_DATABASE`` unless renamed).

    Unknown keys are refused so a typo (``SHOWSQL``) fails at startup instead of being
    silently ignored. The ``ALEMBIC_*`` keys belong to :class:`~surge.database.sql.migrate.Migrate`,
    which reads the same section.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    DATABASE_URI: str = Field(
        DEFAULT_DATABASE_URI,
        description="SQLAlchemy URL with an async driver: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    SESSION_NAME: str = Field(
        "session",
        validation_alias=AliasChoices("SESSION_NAME", "DATABASE_SESSION_NAME"),
        description="Handler argument that @managed_session / @readonly_session inject the session as",
    )
    NICE_NAME: str | None = Field(None, description="The database's name in admin views (default: its db_name)")
    SHOW_SQL: bool = Field(False, description="Log every SQL statement (SQLAlchemy echo); for development")
    POOL_SIZE: int | None = Field(
        None, ge=1, description="Connections kept open (None: SQLAlchemy's default, 5)"
    )
    MAX_OVERFLOW: int | None = Field(
        None, ge=0, description="Extra connections allowed under load (default 10)"
    )
    POOL_TIMEOUT: float | None = Field(
        None, gt=0, description="Seconds to wait for a free connection (default 30)"
    )
    POOL_RECYCLE: int = Field(1800, description="Reopen connections older than this many seconds (-1: never)")
    POOL_PRE_PING: bool | None = Field(
        None,
        description="Test a connection before handing it out (survives server restarts); "
        "None: on for server databases, off for SQLite, whose file cannot drop a connection",
    )
    ENGINE_OPTIONS: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra keyword arguments for create_async_engine (e.g. connect_args)",
    )
    SQLITE_FOREIGN_KEYS: bool = Field(
        True, description="Enforce foreign keys on SQLite (PRAGMA foreign_keys=ON), as PostgreSQL does"
    )
    CREATE_ALL: bool = Field(
        False, description="Create the missing tables of the MODELS of this database at startup"
    )
    UNAVAILABLE_RETRY_AFTER: int = Field(
        5, ge=0, description="Retry-After seconds of the 503 answered while the database cannot be reached"
    )
    ALEMBIC_MIGRATION_DIR: str = Field("migrations", description="Migrations folder, relative to BASE_PATH")
    ALEMBIC_DATABASE_URI_SYNC: str | None = Field(
        None, description="Sync-driver URL for migrations; None runs them through the async engine"
    )
