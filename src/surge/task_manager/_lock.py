"""Leader election between workers: only the holder of the lock runs scheduled jobs.

APScheduler 3 has no coordination of its own: two schedulers reading one job store both run
every job. So every worker starts its scheduler paused, and only the one that holds the lock
processes jobs. A file lock covers the workers of one machine; a PostgreSQL advisory lock
covers several machines. The lock dies with its holder (closed file, dropped connection), and
the other workers retry it periodically to take over.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from typing import Any, Protocol

from surge.exceptions.config import ImproperlyConfigured
from surge.extension import require

__all__ = ["FileLock", "LeaderLock", "PostgresAdvisoryLock", "lock_from_setting"]


class LeaderLock(Protocol):
    """A non-blocking, process-held exclusive lock."""

    async def try_acquire(self) -> bool:
        """Take the lock if it is free; True when this process holds it."""
        ...

    async def still_held(self) -> bool:
        """False when the lock was lost (e.g. the database connection dropped)."""
        ...

    async def release(self) -> None:
        """Let go of the lock (no-op when not held)."""
        ...


class FileLock:
    """``flock`` on a file: exclusive among the processes of one machine."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    async def still_held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class PostgresAdvisoryLock:
    """``pg_try_advisory_lock`` held by a dedicated connection: exclusive across machines."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        # Advisory locks take a bigint; a stable hash of the name keeps apps apart.
        self.key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        self._conn: Any = None

    async def try_acquire(self) -> bool:
        import psycopg

        if self._conn is not None:
            return True
        conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
        row = await cursor.fetchone()
        if row is not None and row[0]:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            await self._conn.execute("SELECT 1")
        except Exception:
            await self.release()
            return False
        return True

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            finally:
                await conn.close()


def lock_from_setting(setting: str, name: str, section: str) -> LeaderLock:
    """The lock that ``LOCK`` describes: ``file:/path``, a plain path, or ``postgresql://...``.

    Raises:
        ImproperlyConfigured: the value is empty.
        MissingDependency: a PostgreSQL lock without psycopg installed.
    """
    value = setting.strip()
    if not value:
        raise ImproperlyConfigured(f"{section}.LOCK must be a file path or a postgresql:// URL")
    if value.startswith(("postgresql:", "postgres:", "postgresql+")):
        require("psycopg", "scheduler")
        scheme, _, rest = value.partition("://")
        return PostgresAdvisoryLock(f"postgresql://{rest}", name)
    if value.startswith("file://"):
        value = value[len("file://") :]
    elif value.startswith("file:"):
        value = value[len("file:") :]
    return FileLock(value)
