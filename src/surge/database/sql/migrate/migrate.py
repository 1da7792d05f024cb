"""``surge.database.sql.migrate.migrate``: PyJolt's module path for :class:`Migrate` and its config model."""

from surge.database.sql.config import SqlDatabaseConfig
from surge.database.sql.migrate.extension import Migrate

MigrateConfig = SqlDatabaseConfig
"""The keys ``Migrate`` reads (``ALEMBIC_MIGRATION_DIR``, ``ALEMBIC_DATABASE_URI_SYNC``): its database's section."""

__all__ = ["Migrate", "MigrateConfig"]
