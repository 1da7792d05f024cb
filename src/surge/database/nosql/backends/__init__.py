"""NoSQL backends: :class:`MongoBackend`, :class:`SqliteJsonBackend`, or your own
:class:`AsyncNoSqlBackendBase` subclass."""

from surge.database.nosql.backends.base import AsyncNoSqlBackendBase
from surge.database.nosql.backends.mongo import MongoBackend
from surge.database.nosql.backends.results import (
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)
from surge.database.nosql.backends.sqlite_collection import SqliteJsonCollection
from surge.database.nosql.backends.sqlite_json import DuplicateKeyError, SqliteJsonBackend

__all__ = [
    "AsyncNoSqlBackendBase",
    "DeleteResult",
    "DuplicateKeyError",
    "InsertManyResult",
    "InsertOneResult",
    "MongoBackend",
    "SqliteJsonBackend",
    "SqliteJsonCollection",
    "UpdateResult",
]
