"""Alembic migrations for ``SqlDatabase``: ``Migrate`` and its ``db-*`` CLI commands."""

from surge.exceptions.config import MissingDependency as _MissingDependency

try:
    import alembic  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise _MissingDependency("alembic", "sql") from exc

from surge.database.sql.migrate.commands import MigrateCommands
from surge.database.sql.migrate.extension import Migrate, MigrationError

__all__ = ["Migrate", "MigrateCommands", "MigrationError"]
