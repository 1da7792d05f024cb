"""Helpers and fixtures for the REST tests: ``from rest_testkit import ...`` (a unique module name).

Tests that take ``target`` run once per database. On PostgreSQL each test gets its own
schema (the connection's search_path), dropped afterwards.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest

from surge import BaseConfig, Surge
from surge.database.sql import SqlDatabase
from surge.rest import RestApi


def run_in_thread(factory: Any) -> Any:
    """Run a coroutine on a loop of its own (sync fixtures must not touch the test's loop)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(factory())
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@dataclass
class Target:
    """One database to test against, with a raw (Surge-free) way to run SQL on it."""

    kind: str
    uri: str
    engine_options: dict[str, Any] = field(default_factory=dict)
    sqlite_path: str | None = None
    pg_dsn: str | None = None
    schema: str | None = None

    def section(self, **keys: Any) -> dict[str, Any]:
        """A ``SQL_DATABASE`` section for this target."""
        return {"DATABASE_URI": self.uri, "ENGINE_OPTIONS": dict(self.engine_options), **keys}

    async def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` read with the raw driver."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as conn:
                return [tuple(row) for row in conn.execute(sql).fetchall()]
        conn = await asyncpg.connect(self.pg_dsn, server_settings={"search_path": self.schema or "public"})
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    async def execute(self, sql: str) -> None:
        """Run one statement with the raw driver (and commit)."""
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


def _sqlite(tmp_path: Any) -> Target:
    path = str(tmp_path / "rest.db")
    return Target("sqlite", f"sqlite+aiosqlite:///{path}", sqlite_path=path)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Target]:
    """Each test runs on SQLite and on PostgreSQL (a fresh schema)."""
    if request.param == "sqlite":
        yield _sqlite(tmp_path)
        return
    url: str = request.getfixturevalue("postgres_url")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    schema = f"surge_rest_{uuid.uuid4().hex[:12]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    run_in_thread(lambda: run(f'CREATE SCHEMA "{schema}"'))
    options = {"connect_args": {"server_settings": {"search_path": schema}}}
    try:
        yield Target("postgresql", url, options, pg_dsn=dsn, schema=schema)
    finally:
        run_in_thread(lambda: run(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def sqlite_target(tmp_path: Any) -> Target:
    """Only SQLite (for behaviour that does not depend on the database)."""
    return _sqlite(tmp_path)


def rest_app(
    target: Target,
    endpoints: dict[str, Any] | None = None,
    *,
    rest: RestApi | None = None,
    extensions: tuple[Any, ...] = (),
    controllers: tuple[Any, ...] = (),
    **config: Any,
) -> Surge:
    """An app with a SqlDatabase on ``target``, ``extensions``, and a RestApi serving ``endpoints``."""
    config.setdefault("DEBUG", False)
    config.setdefault("SQL_DATABASE", target.section())
    app = Surge(configs=BaseConfig(**config))
    app.add_extension(SqlDatabase())
    for extension in extensions:
        app.add_extension(extension)
    rest = rest or RestApi()
    if endpoints:
        rest.register(endpoints)
    app.add_extension(rest)
    for controller in controllers:
        app.register_controller(controller)
    return app
