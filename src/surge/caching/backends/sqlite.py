"""Cache in a SQLite file: survives restarts, shared by the workers of one machine."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from surge.caching.backends._codec import decode_value, encode_value
from surge.caching.backends.base import BaseCacheBackend

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["SqliteCacheBackend"]


class SqliteCacheBackend(BaseCacheBackend):
    """Entries in one table of a SQLite database in WAL mode.

    WAL lets readers proceed while a writer writes, so several worker processes can share
    the file. Every ``checkpoint_every`` writes the backend runs ``PRAGMA
    wal_checkpoint(<mode>)`` to fold the WAL back into the database, and purges expired rows.
    The stdlib ``sqlite3`` module runs in a worker thread, so no extra package is needed.
    """

    def __init__(
        self,
        path: str = "./surge_cache.db",
        table: str = "cache_entries",
        key_prefix: str = "",
        checkpoint_mode: str = "PASSIVE",
        checkpoint_every: int = 100,
    ) -> None:
        self.path = path
        self.table = table
        self.key_prefix = key_prefix
        self.checkpoint_mode = checkpoint_mode
        self.checkpoint_every = checkpoint_every
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._writes = 0

    @classmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> SqliteCacheBackend:
        """Read ``SQLITE_*`` and ``KEY_PREFIX`` from the section."""
        from surge.caching.config import load_cache_config

        config = load_cache_config(app, variable_prefix)
        return cls(
            path=config.SQLITE_PATH,
            table=config.SQLITE_TABLE,
            key_prefix=config.KEY_PREFIX or "",
            checkpoint_mode=config.SQLITE_WAL_CHECKPOINT_MODE,
            checkpoint_every=config.SQLITE_WAL_CHECKPOINT_EVERY,
        )

    # -- connection -------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=5.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{self.table}" '
            "(key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at REAL)"
        )
        conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{self.table}_tags" (tag TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tag, key))'
        )
        return conn

    async def connect(self) -> None:
        """Open the database file (created if missing) and the table."""
        if self._conn is None:
            self._conn = await asyncio.to_thread(self._open)

    async def disconnect(self) -> None:
        """Checkpoint the WAL and close the file."""
        conn, self._conn = self._conn, None
        if conn is not None:

            def close() -> None:
                with self._lock:
                    conn.execute(f"PRAGMA wal_checkpoint({self.checkpoint_mode})")
                    conn.close()

            await asyncio.to_thread(close)

    def _run(self, sql: str, params: tuple[Any, ...] = (), write: bool = False) -> list[Any]:
        conn = self._conn
        if conn is None:
            raise RuntimeError("SqliteCacheBackend is not connected")
        with self._lock:
            rows = conn.execute(sql, params).fetchall()
            if write:
                self._writes += 1
                if self.checkpoint_every and self._writes % self.checkpoint_every == 0:
                    conn.execute(f'DELETE FROM "{self.table}" WHERE expires_at IS NOT NULL AND expires_at <= ?', (time.time(),))
                    conn.execute(
                        f'DELETE FROM "{self.table}_tags" WHERE key NOT IN (SELECT key FROM "{self.table}")'
                    )
                    conn.execute(f"PRAGMA wal_checkpoint({self.checkpoint_mode})")
        return rows

    def _run_many(self, statements: Sequence[tuple[str, tuple[Any, ...]]]) -> list[int]:
        """Run ``statements`` in one transaction; returns the rows each one changed."""
        conn = self._conn
        if conn is None:
            raise RuntimeError("SqliteCacheBackend is not connected")
        with self._lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                counts = [conn.execute(sql, params).rowcount for sql, params in statements]
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return counts

    # -- operations -------------------------------------------------------------------------------
    async def get(self, key: str) -> dict[str, Any] | None:
        """The live entry under ``key``."""
        rows = await asyncio.to_thread(
            self._run,
            f'SELECT value FROM "{self.table}" WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
            (self.key_prefix + key, time.time()),
        )
        return decode_value(rows[0][0]) if rows else None

    async def set(self, key: str, value: dict[str, Any], duration: int | None = None) -> None:
        """Store ``value`` (replacing any entry under ``key``)."""
        expires_at = time.time() + duration if duration else None
        await asyncio.to_thread(
            self._run,
            f'INSERT OR REPLACE INTO "{self.table}" (key, value, expires_at) VALUES (?, ?, ?)',
            (self.key_prefix + key, encode_value(value), expires_at),
            True,
        )

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        await asyncio.to_thread(self._run, f'DELETE FROM "{self.table}" WHERE key = ?', (self.key_prefix + key,), True)

    async def add_tags(self, key: str, tags: Sequence[str], duration: int | None = None) -> None:
        """One row per (tag, key) in ``<table>_tags``."""
        full = self.key_prefix + key
        sql = f'INSERT OR IGNORE INTO "{self.table}_tags" (tag, key) VALUES (?, ?)'
        await asyncio.to_thread(self._run_many, [(sql, (self.key_prefix + tag, full)) for tag in tags])

    async def invalidate_tags(self, tags: Sequence[str]) -> int:
        """Delete the tagged entries and their tag rows in one transaction."""
        statements: list[tuple[str, tuple[Any, ...]]] = []
        for tag in tags:
            name = self.key_prefix + tag
            statements.append(
                (f'DELETE FROM "{self.table}" WHERE key IN (SELECT key FROM "{self.table}_tags" WHERE tag = ?)', (name,))
            )
            statements.append((f'DELETE FROM "{self.table}_tags" WHERE tag = ?', (name,)))
        counts = await asyncio.to_thread(self._run_many, statements)
        return sum(counts[::2])

    async def clear(self) -> None:
        """Forget every entry of this namespace (``KEY_PREFIX``), or the whole table without one."""
        statements: list[tuple[str, tuple[Any, ...]]] = []
        for table in (self.table, f"{self.table}_tags"):
            if self.key_prefix:
                params: tuple[Any, ...] = (len(self.key_prefix), self.key_prefix)
                statements.append((f'DELETE FROM "{table}" WHERE substr(key, 1, ?) = ?', params))
            else:
                statements.append((f'DELETE FROM "{table}"', ()))
        await asyncio.to_thread(self._run_many, statements)
