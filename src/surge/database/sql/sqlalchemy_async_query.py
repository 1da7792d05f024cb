"""``surge.database.sql.sqlalchemy_async_query``: PyJolt's module path for :class:`AsyncQuery`."""

from surge.database.sql.query import AsyncQuery

__all__ = ["AsyncQuery"]
