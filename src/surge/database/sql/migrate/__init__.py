"""Alembic migrations for ``SqlDatabase``: ``Migrate`` and its ``db-*`` CLI commands."""

# ruff: noqa: E402 - the extra is checked before anything imports alembic

from surge.extension import require as _require

_require("alembic", "sql")  # a missing extra says: pip install "surge[sql]"

from surge.database.sql.migrate.commands import MigrateCommands
from surge.database.sql.migrate.extension import Migrate, MigrationError

__all__ = ["Migrate", "MigrateCommands", "MigrationError"]
