"""Read-only sessions on PostgreSQL (asyncpg) send no BEGIN and no ROLLBACK until they write.

A read-only session never commits, so a transaction only matters once it writes: that write
must be rolled back at close. Until then, at READ COMMITTED (PostgreSQL's default), a SELECT
sees exactly what it would see inside a transaction, since each statement takes its own
snapshot there. So the connection of a read-only session runs its plain SELECTs in
autocommit mode, and anything else (an INSERT, a flush, ``text()``, ``SELECT ... FOR UPDATE``,
a CTE, a streamed SELECT, whose server-side cursor needs one) first turns the transaction back on, so the driver sends BEGIN before it and the
session's close rolls it back, as before. A /db-style request goes from three round trips
(BEGIN, SELECT, ROLLBACK) to one.

Enabled at startup only when the connection's isolation level is READ COMMITTED and no
``isolation_level`` is configured: a session that must see one snapshot across reads
(REPEATABLE READ, SERIALIZABLE) keeps its transaction.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, event

from surge.database.sql.readonly import ReadOnlySyncSession

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, ExecutionContext
    from sqlalchemy.ext.asyncio import AsyncEngine
    from sqlalchemy.orm import Session, SessionTransaction

__all__ = ["enable_lazy_begin", "lazy_begin_enabled", "lazy_begin_supported"]

_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose read-only sessions begin lazily


def lazy_begin_supported(engine: AsyncEngine, options: dict[str, Any]) -> bool:
    """Whether ``engine`` could defer BEGIN (asyncpg, no isolation level set in ``options``)."""
    if engine.url.get_driver_name() != "asyncpg" or "isolation_level" in options:
        return False
    if not _adapter_has_autocommit():
        return False  # an SQLAlchemy whose asyncpg adapter has no autocommit switch
    return "isolation_level" not in options.get("execution_options", {})


def lazy_begin_enabled(engine: Engine) -> bool:
    """Whether :func:`enable_lazy_begin` turned lazy BEGIN on for this (sync) engine."""
    return engine in _ENGINES


def _adapter_has_autocommit() -> bool:
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

    return isinstance(getattr(AsyncAdapt_asyncpg_connection, "autocommit", None), property)


async def enable_lazy_begin(engine: AsyncEngine) -> bool:
    """Turn lazy BEGIN on for ``engine`` if its connections run at READ COMMITTED; returns whether it did."""
    async with engine.connect() as connection:
        level = (await connection.exec_driver_sql("SHOW transaction_isolation")).scalar()
    if str(level).lower() != "read committed":
        return False
    sync_engine = engine.sync_engine
    if sync_engine not in _ENGINES:
        _ENGINES.add(sync_engine)
        event.listen(sync_engine, "before_cursor_execute", _begin_before_a_write)
        event.listen(sync_engine.pool, "checkin", _restore)
    return True


def _is_plain_read(context: ExecutionContext) -> bool:
    compiled: Any = getattr(context, "compiled", None)
    if compiled is None or getattr(context, "_is_server_side", True):
        return False  # exec_driver_sql (could be anything); a server-side cursor needs a transaction
    statement = compiled.statement
    return isinstance(statement, Select) and statement._for_update_arg is None and not compiled.ctes


def _begin_before_a_write(
    conn: Connection, _cursor: Any, _statement: str, _parameters: Any, context: ExecutionContext, _many: bool
) -> None:
    adapted: Any = conn.connection.dbapi_connection
    if adapted is not None and adapted.autocommit and not _is_plain_read(context):
        adapted.autocommit = False  # back to the configured level: the driver sends BEGIN first


def _restore(dbapi_connection: Any, _record: object) -> None:
    if dbapi_connection is not None:
        dbapi_connection.autocommit = False  # the next session gets a normal connection


@event.listens_for(ReadOnlySyncSession, "after_begin")
def _defer_begin(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    if connection.engine in _ENGINES:
        adapted: Any = connection.connection.dbapi_connection
        if adapted is not None and getattr(adapted, "_transaction", True) is None:  # nothing sent yet
            adapted.autocommit = True
