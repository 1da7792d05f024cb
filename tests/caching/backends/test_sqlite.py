"""SqliteCacheBackend on its own: WAL, checkpoints, restarts, namespaces, expiry, folders."""

from __future__ import annotations

import asyncio
import os
import sqlite3

from surge.caching import SqliteCacheBackend


async def test_sqlite_uses_wal_and_checkpoints_every_n_writes(tmp_path):
    path = tmp_path / "cache.db"
    backend = SqliteCacheBackend(str(path), checkpoint_mode="TRUNCATE", checkpoint_every=3)
    await backend.connect()
    try:
        with sqlite3.connect(path) as probe:
            assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        wal = tmp_path / "cache.db-wal"
        await backend.set("a", {"v": 1}, 60)
        await backend.set("b", {"v": 2}, 60)
        assert wal.stat().st_size > 0
        await backend.set("c", {"v": 3}, 60)  # third write: TRUNCATE checkpoint empties the WAL
        assert wal.stat().st_size == 0
        await backend.set("d", {"v": 4}, 60)
        assert wal.stat().st_size > 0
    finally:
        await backend.disconnect()


async def test_sqlite_survives_a_restart_and_namespaces_clear(tmp_path):
    path = str(tmp_path / "shared.db")
    first = SqliteCacheBackend(path, key_prefix="one:")
    other = SqliteCacheBackend(path, key_prefix="two:")
    await first.connect()
    await other.connect()
    await first.set("k", {"body": b"\xff"}, 60)
    await other.set("k", {"v": "other"}, 60)
    await first.disconnect()

    reopened = SqliteCacheBackend(path, key_prefix="one:")
    await reopened.connect()
    assert await reopened.get("k") == {"body": b"\xff"}
    await reopened.clear()
    assert await reopened.get("k") is None
    assert await other.get("k") == {"v": "other"}
    await reopened.disconnect()
    await other.disconnect()


async def test_sqlite_expired_rows_are_misses(tmp_path):
    backend = SqliteCacheBackend(str(tmp_path / "c.db"))
    await backend.connect()
    await backend.set("k", {"v": 1}, 1)
    await asyncio.sleep(1.1)
    assert await backend.get("k") is None
    await backend.disconnect()


def test_sqlite_file_is_created_in_missing_folders(tmp_path):
    path = tmp_path / "deep" / "er" / "cache.db"

    async def run() -> None:
        backend = SqliteCacheBackend(str(path))
        await backend.connect()
        await backend.disconnect()

    asyncio.run(run())
    assert os.path.exists(path)
