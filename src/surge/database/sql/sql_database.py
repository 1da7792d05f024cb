"""``surge.database.sql.sql_database``: PyJolt's module path for :class:`SqlDatabase` and its config model."""

from surge.database.sql.config import SqlDatabaseConfig
from surge.database.sql.extension import SqlDatabase

__all__ = ["SqlDatabase", "SqlDatabaseConfig"]
