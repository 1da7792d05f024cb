"""``surge.database.nosql.backends.async_nosql_backend_protocol``: PyJolt's module path for :class:`AsyncNoSqlBackendBase`."""

from surge.database.nosql.backends.base import AsyncNoSqlBackendBase

__all__ = ["AsyncNoSqlBackendBase"]
