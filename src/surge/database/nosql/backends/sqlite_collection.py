"""A collection handle of :class:`~surge.database.nosql.backends.SqliteJsonBackend`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surge.database.nosql.backends._types import DocumentStore

__all__ = ["SqliteJsonCollection"]


class SqliteJsonCollection:
    """One collection of a :class:`SqliteJsonBackend` (what ``get_collection`` returns)."""

    def __init__(self, backend: DocumentStore, name: str) -> None:
        self.backend = backend
        self.name = name

    async def find_one(self, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        """See :meth:`SqliteJsonBackend.find_one`."""
        return await self.backend.find_one(self.name, filter or {}, **kwargs)

    async def find(self, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        """See :meth:`SqliteJsonBackend.find_many`."""
        return await self.backend.find_many(self.name, filter, **kwargs)

    async def count_documents(self, filter: Mapping[str, Any] | None = None, **kwargs: object) -> int:
        """See :meth:`SqliteJsonBackend.count_documents`."""
        return await self.backend.count_documents(self.name, filter, **kwargs)

    async def insert_one(self, doc: Mapping[str, Any], **kwargs: object) -> Any:
        """See :meth:`SqliteJsonBackend.insert_one`."""
        return await self.backend.insert_one(self.name, doc, **kwargs)

    async def insert_many(self, docs: Iterable[Mapping[str, Any]], **kwargs: object) -> Any:
        """See :meth:`SqliteJsonBackend.insert_many`."""
        return await self.backend.insert_many(self.name, docs, **kwargs)

    async def update_one(self, filter: Mapping[str, Any], update: Mapping[str, Any], **kwargs: Any) -> Any:
        """See :meth:`SqliteJsonBackend.update_one`."""
        return await self.backend.update_one(self.name, filter, update, **kwargs)

    async def delete_one(self, filter: Mapping[str, Any], **kwargs: object) -> Any:
        """See :meth:`SqliteJsonBackend.delete_one`."""
        return await self.backend.delete_one(self.name, filter, **kwargs)

    async def aggregate(self, pipeline: Iterable[Mapping[str, Any]], **kwargs: object) -> list[Any]:
        """See :meth:`SqliteJsonBackend.aggregate`."""
        return await self.backend.aggregate(self.name, pipeline, **kwargs)
