"""Databases: ``surge.database.sql`` (SQLAlchemy) and ``surge.database.nosql``.

The SQL names are also importable from here, as in the seed
(``from surge.database import create_declerative_base, AsyncSession``). They load on first
access, so importing ``surge.database.nosql`` never requires SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surge.database.sql import (
        AsyncQuery,
        AsyncSession,
        SqlDatabase,
        create_declarative_base,
        create_declerative_base,
    )

__all__ = [
    "AsyncQuery",
    "AsyncSession",
    "SqlDatabase",
    "create_declarative_base",
    "create_declerative_base",
]

_SQL_NAMES = frozenset(__all__)


def __getattr__(name: str) -> Any:
    if name in _SQL_NAMES:
        return getattr(importlib.import_module("surge.database.sql"), name)
    raise AttributeError(f"module 'surge.database' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
