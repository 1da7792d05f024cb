"""NoSQL databases: ``nosqldb = NoSqlDatabase()`` with a backend from ``NOSQL_DATABASE``."""

from surge.database.nosql.backends import AsyncNoSqlBackendBase, MongoBackend, SqliteJsonBackend
from surge.database.nosql.config import NoSqlDatabaseConfig
from surge.database.nosql.extension import NoSqlDatabase

__all__ = ["AsyncNoSqlBackendBase", "MongoBackend", "NoSqlDatabase", "NoSqlDatabaseConfig", "SqliteJsonBackend"]
