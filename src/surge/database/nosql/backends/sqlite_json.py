"""A document store on SQLite's JSON functions: NoSQL with nothing to install.

Each collection is a table ``(id TEXT PRIMARY KEY, doc TEXT)`` holding JSON documents.
Filters and sorts run in SQL (``json_extract``), updates and later aggregation stages run in
Python with MongoDB semantics (:mod:`._documents`). Transactions are real SQLite
transactions (``BEGIN IMMEDIATE``). Good for development, tests, and single-machine apps;
values round-trip as JSON (a datetime comes back as an ISO string).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import orjson

from surge.database.nosql.backends._documents import (
    apply_update,
    project,
    regex_flags,
    run_pipeline,
    upsert_seed,
)
from surge.database.nosql.backends._sqlite_query import compile_filter, compile_sort
from surge.database.nosql.backends.base import AsyncNoSqlBackendBase, Projection
from surge.database.nosql.backends.results import (
    DeleteResult,
    InsertManyResult,
    InsertOneResult,
    UpdateResult,
)
from surge.database.nosql.backends.sqlite_collection import SqliteJsonCollection
from surge.exceptions.base import SurgeError
from surge.exceptions.config import ImproperlyConfigured

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["DuplicateKeyError", "SqliteJsonBackend", "SqliteJsonSession"]

T = TypeVar("T")

_COLLECTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_current: contextvars.ContextVar[SqliteJsonSession | None] = contextvars.ContextVar("surge_sqlite_json_session", default=None)


class DuplicateKeyError(SurgeError, ValueError):
    """A document with this ``_id`` already exists in the collection."""


def _regexp(pattern: str, flags: str, value: object) -> bool:
    if not isinstance(value, str):
        return False
    return re.search(pattern, value, regex_flags(flags)) is not None


def _encode(doc: Mapping[str, Any]) -> str:
    return orjson.dumps(doc, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


class SqliteJsonSession:
    """A connection of its own, inside one transaction (from :meth:`SqliteJsonBackend.start_session`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = asyncio.Lock()
        self.in_transaction = False

    @staticmethod
    def of(session: object) -> SqliteJsonSession | None:
        """``session`` as this backend's session (None: none given, or the transaction running here).

        Raises:
            TypeError: ``session`` comes from another backend.
        """
        if session is None:
            return _current.get()
        if isinstance(session, SqliteJsonSession):
            return session
        raise TypeError(f"session must come from SqliteJsonBackend.start_session(), got {session!r}")

    async def end_session(self) -> None:
        """Close the connection (a transaction still open is rolled back)."""
        async with self.lock:
            await asyncio.to_thread(self.conn.close)


class SqliteJsonBackend(AsyncNoSqlBackendBase):
    """``BACKEND: SqliteJsonBackend``, ``DATABASE_URI: "sqlite:///./data.db"``."""

    def __init__(self, path: str, table_prefix: str = "") -> None:
        self.path = path
        self.table_prefix = table_prefix
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._tables: set[str] = set()

    @classmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> SqliteJsonBackend:
        """Read ``DATABASE_URI`` (``sqlite:///path``) and ``TABLE_PREFIX``.

        Raises:
            ImproperlyConfigured: the URI is not a SQLite file path.
        """
        from surge.database.nosql.config import load_nosql_config

        config = load_nosql_config(app, variable_prefix)
        uri = config.DATABASE_URI
        scheme, sep, rest = uri.partition(":///")
        if sep and not scheme.startswith("sqlite"):
            raise ImproperlyConfigured(f"{variable_prefix}.DATABASE_URI must be sqlite:///<path> for SqliteJsonBackend")
        path = rest if sep else uri
        if not path or path == ":memory:":
            raise ImproperlyConfigured(f"{variable_prefix}.DATABASE_URI must name a database file")
        return cls(path, config.TABLE_PREFIX)

    # -- connections ------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.create_function("surge_regexp", 3, _regexp, deterministic=True)
        return conn

    async def connect(self) -> None:
        """Open the database file (created if missing)."""
        if self._conn is None:
            self._conn = await asyncio.to_thread(self._open)

    async def disconnect(self) -> None:
        """Close the shared connection."""
        conn, self._conn = self._conn, None
        if conn is not None:
            async with self._lock:
                await asyncio.to_thread(conn.close)
        self._tables.clear()

    def _table(self, collection: str) -> str:
        if not _COLLECTION_NAME.match(collection):
            raise ValueError(f"Invalid collection name {collection!r} (letters, digits and _ only)")
        return f'"{self.table_prefix}{collection}"'

    async def _on_connection(self, session: SqliteJsonSession | None, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work(conn)`` in a thread on the session's connection, else the shared one."""
        if session is not None:
            async with session.lock:
                return await asyncio.to_thread(work, session.conn)
        conn = self._conn
        if conn is None:
            raise RuntimeError("SqliteJsonBackend is not connected")
        async with self._lock:
            return await asyncio.to_thread(work, conn)

    async def _run(self, given: object, collection: str, work: Callable[[sqlite3.Connection, str], T]) -> T:
        """Run ``work(conn, table)`` in a thread, creating the collection's table on first use."""
        table = self._table(collection)
        session = SqliteJsonSession.of(given)
        # Inside a transaction the table is created on its connection (the shared one would
        # wait for this transaction's own write lock) and not remembered: it may roll back.
        remember = session is None

        def on_table(conn: sqlite3.Connection) -> T:
            if table not in self._tables:
                conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
                if remember:
                    self._tables.add(table)
            return work(conn, table)

        return await self._on_connection(session, on_table)

    @staticmethod
    def _atomic(conn: sqlite3.Connection, work: Callable[[], T]) -> T:
        """Run several statements as one unit (already atomic inside a session's transaction)."""
        if conn.in_transaction:
            return work()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    # -- sessions and transactions ----------------------------------------------------------------
    def database_handle(self) -> Any:
        """The backend itself: it has the collection methods."""
        return self

    def supports_transactions(self) -> bool:
        """SQLite transactions are real: yes."""
        return True

    async def start_session(self) -> SqliteJsonSession:
        """A session with its own connection."""
        return SqliteJsonSession(await asyncio.to_thread(self._open))

    async def with_transaction(self, fn: Callable[..., Any], *args: object, session: object = None, **kwargs: object) -> Any:
        """Run ``fn(*args, session=session, **kwargs)`` in one transaction: commit on return,
        roll back on exception. Calls inside it that pass no ``session`` use it too."""
        if session is None:
            return await fn(*args, session=None, **kwargs)
        if not isinstance(session, SqliteJsonSession):
            raise TypeError(f"session must come from SqliteJsonBackend.start_session(), got {session!r}")
        async with session.lock:
            await asyncio.to_thread(session.conn.execute, "BEGIN IMMEDIATE")
        session.in_transaction = True
        token = _current.set(session)
        try:
            result = await fn(*args, session=session, **kwargs)
        except BaseException:
            async with session.lock:
                await asyncio.to_thread(session.conn.execute, "ROLLBACK")
            raise
        else:
            async with session.lock:
                await asyncio.to_thread(session.conn.execute, "COMMIT")
            return result
        finally:
            _current.reset(token)
            session.in_transaction = False

    # -- collections ------------------------------------------------------------------------------
    def get_collection(self, name: str) -> SqliteJsonCollection:
        """A handle with the collection methods bound to ``name``."""
        self._table(name)
        return SqliteJsonCollection(self, name)

    async def find_many(
        self,
        collection: str,
        filter: Mapping[str, Any] | None = None,
        *,
        session: object = None,
        limit: Optional[int] = None,
        skip: Optional[int] = None,
        sort: Optional[Iterable[tuple[str, int]]] = None,
        projection: Projection = None,
        **kwargs: object,
    ) -> list[Any]:
        """Documents matching ``filter`` (all when None), sorted, skipped, limited, projected.

        Raises:
            ValueError: an unsupported operator or an unknown keyword argument.
        """
        if kwargs:
            raise ValueError(f"Unsupported find options: {sorted(kwargs)}")
        where, params = compile_filter(filter)
        order, order_params = compile_sort(sort)
        sql_limit = -1 if limit is None or limit <= 0 else int(limit)
        offset = int(skip or 0)

        def work(conn: sqlite3.Connection, table: str) -> list[Any]:
            sql = f"SELECT doc FROM {table} WHERE {where} ORDER BY {order + ', ' if order else ''}rowid LIMIT ? OFFSET ?"
            rows = conn.execute(sql, [*params, *order_params, sql_limit, offset]).fetchall()
            return [orjson.loads(row[0]) for row in rows]

        docs = await self._run(session, collection, work)
        return [project(doc, projection) for doc in docs] if projection is not None else docs

    async def find_one(self, collection: str, filter: Mapping[str, Any], *, session: object = None, **kwargs: Any) -> Any:
        """The first matching document, or None (``kwargs`` as for :meth:`find_many`)."""
        found = await self.find_many(collection, filter, session=session, limit=1, **kwargs)
        return found[0] if found else None

    async def count_documents(self, collection: str, filter: Mapping[str, Any] | None = None, *, session: object = None) -> int:
        """How many documents match ``filter``."""
        where, params = compile_filter(filter)

        def work(conn: sqlite3.Connection, table: str) -> int:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()[0])

        return int(await self._run(session, collection, work))

    async def insert_one(self, collection: str, doc: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any:
        """Insert ``doc`` (an ``_id`` is generated when missing).

        Raises:
            DuplicateKeyError: the ``_id`` exists already.
        """
        result = await self.insert_many(collection, [doc], session=session)
        return InsertOneResult(result.inserted_ids[0])

    async def insert_many(
        self, collection: str, docs: Iterable[Mapping[str, Any]], *, session: object = None, **kwargs: object
    ) -> Any:
        """Insert ``docs`` all-or-nothing.

        Raises:
            DuplicateKeyError: an ``_id`` exists already (nothing is inserted).
        """
        prepared = []
        for doc in docs:
            item = dict(doc)
            item.setdefault("_id", uuid.uuid4().hex)
            prepared.append(item)

        def work(conn: sqlite3.Connection, table: str) -> list[Any]:
            def insert() -> list[Any]:
                for item in prepared:
                    try:
                        conn.execute(f"INSERT INTO {table} (id, doc) VALUES (?, ?)", (_encode({"v": item["_id"]}), _encode(item)))
                    except sqlite3.IntegrityError:
                        raise DuplicateKeyError(f"Duplicate _id {item['_id']!r} in {collection}") from None
                return [item["_id"] for item in prepared]

            return self._atomic(conn, insert)

        return InsertManyResult(await self._run(session, collection, work))

    async def update_one(
        self,
        collection: str,
        filter: Mapping[str, Any],
        update: Mapping[str, Any],
        *,
        upsert: bool = False,
        session: object = None,
        **kwargs: object,
    ) -> Any:
        """Apply update operators (``$set``, ``$inc``, ``$push``, ...) to the first match.

        Raises:
            ValueError: ``update`` has no operators, or an unsupported one.
        """
        apply_update({}, update)  # validate before touching the database
        where, params = compile_filter(filter)

        def work(conn: sqlite3.Connection, table: str) -> UpdateResult:
            def change() -> UpdateResult:
                row = conn.execute(f"SELECT id, doc FROM {table} WHERE {where} ORDER BY rowid LIMIT 1", params).fetchone()
                if row is None:
                    if not upsert:
                        return UpdateResult(0, 0)
                    new = apply_update(upsert_seed(filter), update)
                    new.setdefault("_id", uuid.uuid4().hex)
                    conn.execute(f"INSERT INTO {table} (id, doc) VALUES (?, ?)", (_encode({"v": new["_id"]}), _encode(new)))
                    return UpdateResult(0, 0, new["_id"])
                old = orjson.loads(row[1])
                new = apply_update(old, update)
                if new == old:
                    return UpdateResult(1, 0)
                conn.execute(f"UPDATE {table} SET doc = ? WHERE id = ?", (_encode(new), row[0]))
                return UpdateResult(1, 1)

            return self._atomic(conn, change)

        return await self._run(session, collection, work)

    async def delete_one(self, collection: str, filter: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any:
        """Delete the first match."""
        where, params = compile_filter(filter)

        def work(conn: sqlite3.Connection, table: str) -> DeleteResult:
            sql = f"DELETE FROM {table} WHERE id = (SELECT id FROM {table} WHERE {where} ORDER BY rowid LIMIT 1)"
            return DeleteResult(conn.execute(sql, params).rowcount)

        return await self._run(session, collection, work)

    async def aggregate(
        self, collection: str, pipeline: Iterable[Mapping[str, Any]], *, session: object = None, **kwargs: object
    ) -> list[Any]:
        """Run an aggregation pipeline; a leading ``$match`` runs in SQL."""
        stages = list(pipeline)
        first: Mapping[str, Any] | None = None
        if stages and "$match" in stages[0]:
            first = stages.pop(0)["$match"]
        docs = await self.find_many(collection, first, session=session)
        return run_pipeline(docs, stages)

    async def execute_raw(self, *args: Any, **kwargs: Any) -> Any:
        """``execute_raw(sql, params=(), session=None)``: run SQL, return the rows as tuples."""
        sql: str = args[0]
        params = args[1] if len(args) > 1 else kwargs.get("params", ())
        session = SqliteJsonSession.of(kwargs.get("session"))
        return await self._on_connection(session, lambda conn: conn.execute(sql, params).fetchall())
