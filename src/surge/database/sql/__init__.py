"""SQL databases: the ``SqlDatabase`` extension, model bases, queries and sessions.

Needs the ``sql`` extra (SQLAlchemy 2 async, aiosqlite, asyncpg, Alembic).
"""

# ruff: noqa: E402 - the extra is checked before anything imports sqlalchemy

from surge.extension import require as _require

_require("sqlalchemy", "sql")  # a missing extra says: pip install "surge[sql]"

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from surge.database.sql.base import SurgeModel, create_declarative_base, create_declerative_base
from surge.database.sql.config import SqlDatabaseConfig
from surge.database.sql.declarative_base import DeclarativeBaseModel
from surge.database.sql.errors import ConstraintViolation, classify_integrity_error
from surge.database.sql.extension import SqlDatabase
from surge.database.sql.query import AsyncQuery
from surge.database.sql.sessions import ReadOnlySessionError

__all__ = [
    "AsyncQuery",
    "AsyncSession",
    "ConstraintViolation",
    "DeclarativeBaseModel",
    "ReadOnlySessionError",
    "Select",
    "SqlDatabase",
    "SqlDatabaseConfig",
    "SurgeModel",
    "classify_integrity_error",
    "create_declarative_base",
    "create_declerative_base",
    "select",
]
