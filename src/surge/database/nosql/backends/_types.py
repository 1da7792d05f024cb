"""What a collection handle needs of its backend, so ``sqlite_collection`` does not import ``sqlite_json``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

__all__ = ["DocumentStore"]


class DocumentStore(Protocol):
    """The collection methods of a backend, each taking the collection name first (``SqliteJsonBackend``)."""

    async def find_one(self, collection: str, filter: Mapping[str, Any], **kwargs: Any) -> Any:
        """The first matching document, or None."""
        ...

    async def find_many(self, collection: str, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        """Documents matching ``filter``."""
        ...

    async def count_documents(self, collection: str, filter: Mapping[str, Any] | None = None, *, session: object = None) -> int:
        """How many documents match ``filter``."""
        ...

    async def insert_one(self, collection: str, doc: Mapping[str, Any], **kwargs: object) -> Any:
        """Insert ``doc``."""
        ...

    async def insert_many(self, collection: str, docs: Iterable[Mapping[str, Any]], **kwargs: object) -> Any:
        """Insert ``docs``."""
        ...

    async def update_one(self, collection: str, filter: Mapping[str, Any], update: Mapping[str, Any], **kwargs: Any) -> Any:
        """Apply update operators to the first match."""
        ...

    async def delete_one(self, collection: str, filter: Mapping[str, Any], **kwargs: object) -> Any:
        """Delete the first match."""
        ...

    async def aggregate(self, collection: str, pipeline: Iterable[Mapping[str, Any]], **kwargs: object) -> list[Any]:
        """Run an aggregation pipeline."""
        ...
