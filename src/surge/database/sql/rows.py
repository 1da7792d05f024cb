"""Rows as dicts for ``AsyncQuery.dicts()`` / ``one_dict()``: no ORM objects, and on asyncpg
no SQLAlchemy execution either, for the cached ``filter_by`` shapes.

An ORM SELECT through SQLAlchemy costs well over twice the driver's own time (statement
lookup, greenlet hops, result and identity-map work). A caller that wants values, not objects
(a JSON answer), can skip all of that: the shape's SQL is compiled once, and the driver runs
it on the session's own connection (same transaction, same snapshot), or, for a read-only
session that has not begun one, on a connection it borrows from the pool for its plain reads
(:mod:`surge.database.sql.borrowed`). The fast path is taken
only when nothing could tell the difference, and anything else falls back to SQLAlchemy:

* the session has no pending changes (nothing to autoflush) and its connection's transaction
  is in the state SQLAlchemy left it (begun, or deliberately not: a read-only session);
* SQLAlchemy does not log statements (``SHOW_SQL``), no one else listens to them (tracing)
  and no ``do_orm_execute`` hook may rewrite them (global filters);
* every column is of a type the driver returns as SQLAlchemy would (int, str, bool, float);
* the driver raises nothing: on any error the query is run again through SQLAlchemy, which
  turns the error into what it always does (503 for a lost database, 422, 409...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Enum, Float, Integer, String, Table, bindparam, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from surge.database.sql.borrowed import borrowed_driver, discard_borrowed
from surge.database.sql.deferred import unbuilt_engine
from surge.database.sql.lazy_begin import lazy_begin_enabled
from surge.database.sql.readonly import ReadOnlySyncSession

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

__all__ = ["fetch_dicts"]

_PLAIN_TYPES = (Integer, String, Boolean, Float)  # the driver's values need no processing
_SQL: dict[tuple[Any, ...], _Compiled | None] = {}
_SQL_MAX = 1024
_UNKNOWN = object()  # the session holds a connection this SQLAlchemy does not show where


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    keys: tuple[str, ...]  # attribute names, in the SELECT's column order
    params: tuple[str, ...]  # filter_by names, in $n order


def _compile(dialect: Dialect, model: Any, filters: tuple[str, ...]) -> _Compiled | None:
    """The shape's SQL for asyncpg, or None unless the model is one table of plain columns."""
    mapper = inspect(model)
    table = mapper.local_table
    if mapper.inherits is not None or mapper.polymorphic_on is not None or not isinstance(table, Table):
        return None
    attrs = list(mapper.column_attrs)
    columns = [attr.columns[0] for attr in attrs]
    if any(len(attr.columns) != 1 or attr.deferred for attr in attrs):
        return None
    if any(getattr(column, "table", None) is not table for column in columns):
        return None  # a column_property expression or another table's column
    if not all(_plain(column.type) for column in columns):
        return None
    by_key = {attr.key: column for attr, column in zip(attrs, columns, strict=True)}
    if any(name not in by_key for name in filters):
        return None  # a relationship or unknown name: SQLAlchemy's filter_by decides
    statement = select(*columns)
    if filters:
        statement = statement.where(*(by_key[name] == bindparam(name) for name in filters))
    compiled = statement.compile(dialect=dialect)
    positions = tuple(compiled.positiontup or ())
    if sorted(positions) != sorted(filters):
        return None  # anything unexpected: SQLAlchemy runs it
    return _Compiled(compiled.string, tuple(attr.key for attr in attrs), positions)


def _plain(column_type: Any) -> bool:
    """SQLAlchemy's own int/str/bool/float types (not Enum, not Decimal floats, not a user's subclass)."""
    return (
        isinstance(column_type, _PLAIN_TYPES)
        and not isinstance(column_type, Enum)
        and not getattr(column_type, "asdecimal", False)
        and type(column_type).__module__.startswith("sqlalchemy.")
    )


def _shape_sql(dialect: Dialect, model: Any, filters: tuple[str, ...]) -> _Compiled | None:
    key = (model, filters)
    try:
        return _SQL[key]
    except KeyError:
        pass
    compiled = _compile(dialect, model, filters)
    if len(_SQL) >= _SQL_MAX:
        _SQL.clear()
    _SQL[key] = compiled
    return compiled


def _quiet_session(sync: Session) -> bool:
    """Nothing to autoflush, one bind for every model, no hook that may rewrite the query."""
    binds = getattr(sync, "binds", None)  # SQLAlchemy 2.1; 2.0 keeps them in a private dict
    if binds is None:
        binds = getattr(sync, "_Session__binds", True)  # neither: do not guess
    try:
        if binds or sync._new or sync._deleted or sync.identity_map._modified:
            return False
    except AttributeError:  # another SQLAlchemy: do not guess
        return False
    return not list(sync.dispatch.do_orm_execute)  # session hooks (global filters)


def _quiet_engine(engine: Engine) -> bool:
    """No one logging or tracing the engine's statements, no options the SQL would ignore."""
    if engine.echo or engine.get_execution_options():
        return False  # logged statements, or options (schema_translate_map...)
    listeners = engine.dispatch
    own = 1 if lazy_begin_enabled(engine) else 0  # Surge's own listener only starts transactions
    return len(list(listeners.before_cursor_execute)) == own and not list(listeners.after_cursor_execute)


def _asyncpg_engine(bind: object) -> Engine | None:
    """The sync engine behind ``bind`` if it is an asyncpg AsyncEngine nobody listens to, else None."""
    if not isinstance(bind, AsyncEngine) or bind.url.get_driver_name() != "asyncpg":
        return None
    engine = bind.sync_engine
    return engine if _quiet_engine(engine) else None


async def fetch_dicts(
    session: AsyncSession, model: Any, bound: dict[str, Any] | None
) -> list[dict[str, Any]] | None:
    """The rows of ``select(model).filter_by(**bound)`` as dicts straight from asyncpg, or None
    when SQLAlchemy must run the query (see the module docstring)."""
    unbuilt = unbuilt_engine(session)
    if unbuilt is not None:  # a read-only endpoint's session, nothing asked of it yet
        engine = _asyncpg_engine(unbuilt)
        if engine is None or not lazy_begin_enabled(engine) or not _class_hooks_quiet():
            return None
        holder: object = session
        borrowed = True
    else:
        engine = _asyncpg_engine(session.bind)
        sync = session.sync_session
        if engine is None or not _quiet_session(sync):
            return None
        holder = sync
        pooled = _held_connection(sync, engine)
        borrowed = pooled is None and isinstance(sync, ReadOnlySyncSession) and lazy_begin_enabled(engine)
    compiled = _shape_sql(engine.dialect, model, () if bound is None else tuple(bound))
    if compiled is None:
        return None
    if borrowed:
        driver = await borrowed_driver(holder, engine)
    else:
        if pooled is None or pooled is _UNKNOWN:  # none held (or cannot tell): the session's own, begun now
            pooled = (await session.connection()).sync_connection.connection  # type: ignore[union-attr]
        driver = _sent_driver(pooled)
    if driver is None:
        return None
    args = [] if bound is None else [bound[name] for name in compiled.params]
    try:
        records = await driver.fetch(compiled.sql, *args)
    except Exception:
        if borrowed:
            await discard_borrowed(holder)
        return None  # SQLAlchemy runs it again and reports the error its usual way
    keys = compiled.keys
    return [dict(zip(keys, record, strict=True)) for record in records]


def _class_hooks_quiet() -> bool:
    """No ``do_orm_execute`` hook registered for every read-only session (a session not built has
    no hooks of its own yet)."""
    try:
        return not ReadOnlySyncSession.dispatch.do_orm_execute._clslevel.get(ReadOnlySyncSession)  # type: ignore[attr-defined]
    except AttributeError:  # another SQLAlchemy: do not guess
        return False


def _held_connection(session: Session, engine: Engine) -> Any:
    """The pool connection of the transaction ``session`` already holds on ``engine``, found
    without a greenlet hop (PERF: /queries reads 20 rows in one session); None if it holds none,
    ``_UNKNOWN`` if this SQLAlchemy keeps it elsewhere."""
    try:
        transaction = session._transaction
        entry = None if transaction is None else transaction._connections.get(engine)
        return None if entry is None else entry[0]._dbapi_connection or _UNKNOWN
    except AttributeError:  # another SQLAlchemy: do not guess
        return _UNKNOWN


def _sent_driver(pooled: Any) -> Any | None:
    """``pooled``'s driver connection, or None if its transaction was begun but not sent yet
    (BEGIN goes out with SQLAlchemy's next statement, so SQLAlchemy runs this one)."""
    adapted: Any = pooled.dbapi_connection
    if adapted is None or (getattr(adapted, "_transaction", None) is None and not adapted.autocommit):
        return None
    return pooled.driver_connection
