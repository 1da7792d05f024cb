"""Databases to run a test against: a SQLite file, or a fresh schema on the real PostgreSQL.

Shared by the SQL and REST tests: ``from sql_targets import SqlTarget, database_target, ...``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg


def run_in_thread(factory: Any) -> Any:
    """Run a coroutine on a loop of its own in a thread: sync fixtures must not touch the test's loop."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(factory())
        except BaseException as exc:  # re-raised in the caller
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@dataclass
class SqlTarget:
    """One database to run a test against, plus a raw (Surge-free) way to run SQL on it."""

    kind: str
    uri: str
    engine_options: dict[str, Any] = field(default_factory=dict)
    sqlite_path: str | None = None
    pg_dsn: str | None = None
    schema: str | None = None

    def section(self, **keys: Any) -> dict[str, Any]:
        """A ``SQL_DATABASE`` config dict for this target."""
        return {"DATABASE_URI": self.uri, "ENGINE_OPTIONS": dict(self.engine_options), **keys}

    async def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql``, read with the raw driver."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as conn:
                return [tuple(row) for row in conn.execute(sql).fetchall()]
        conn = await asyncpg.connect(self.pg_dsn, server_settings={"search_path": self.schema or "public"})
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    async def execute(self, sql: str) -> None:
        """Run statements with the raw driver (and commit)."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as conn:
                conn.executescript(sql)
            return
        conn = await asyncpg.connect(self.pg_dsn, server_settings={"search_path": self.schema or "public"})
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def execute_now(self, sql: str) -> None:
        """:meth:`execute`, from sync code (before an app is built)."""
        run_in_thread(lambda: self.execute(sql))

    async def tables(self) -> set[str]:
        """Names of the tables that exist in this target."""
        if self.sqlite_path is not None:
            rows = await self.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            rows = await self.fetch(
                f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{self.schema}'"
            )
        return {row[0] for row in rows}


def sqlite_target(tmp_path: Any, name: str = "test.db") -> SqlTarget:
    """A SQLite file in ``tmp_path``."""
    path = str(tmp_path / name)
    return SqlTarget("sqlite", f"sqlite+aiosqlite:///{path}", sqlite_path=path)


@contextmanager
def postgres_schema_target(url: str, prefix: str) -> Iterator[SqlTarget]:
    """A fresh schema on the PostgreSQL at ``url``, dropped (with everything in it) afterwards."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    run_in_thread(lambda: run(f'CREATE SCHEMA "{schema}"'))
    options = {"connect_args": {"server_settings": {"search_path": schema}}}
    try:
        yield SqlTarget("postgresql", url, options, pg_dsn=dsn, schema=schema)
    finally:
        run_in_thread(lambda: run(f'DROP SCHEMA "{schema}" CASCADE'))
