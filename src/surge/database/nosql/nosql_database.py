"""``surge.database.nosql.nosql_database``: PyJolt's module path for :class:`NoSqlDatabase` and its config model."""

from surge.database.nosql.config import NoSqlDatabaseConfig
from surge.database.nosql.extension import NoSqlDatabase

__all__ = ["NoSqlDatabase", "NoSqlDatabaseConfig"]
