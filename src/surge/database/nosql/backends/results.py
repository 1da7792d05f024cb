"""Write results shaped like pymongo's, for backends that are not MongoDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["DeleteResult", "InsertManyResult", "InsertOneResult", "UpdateResult"]


@dataclass(frozen=True, slots=True)
class InsertOneResult:
    """``inserted_id`` of the new document."""

    inserted_id: Any
    acknowledged: bool = True


@dataclass(frozen=True, slots=True)
class InsertManyResult:
    """``inserted_ids`` of the new documents, in order."""

    inserted_ids: list[Any] = field(default_factory=list)
    acknowledged: bool = True


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """How many documents matched and changed; ``upserted_id`` when an upsert inserted."""

    matched_count: int
    modified_count: int
    upserted_id: Any = None
    acknowledged: bool = True


@dataclass(frozen=True, slots=True)
class DeleteResult:
    """How many documents were deleted."""

    deleted_count: int
    acknowledged: bool = True
