"""``surge.database.nosql.backends.mongo_backend``: PyJolt's module path for :class:`MongoBackend`."""

from surge.database.nosql.backends.mongo import MongoBackend

__all__ = ["MongoBackend"]
