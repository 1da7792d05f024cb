"""The SQL test targets: a SQLite file in tmp_path and a private schema on the real PostgreSQL.

Every test that takes ``sql_target`` runs once per database. On PostgreSQL each test gets its
own schema (set as the connection's search_path), dropped afterwards, so tests never see each
other's tables or those of other suites sharing the ``test`` database.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest

from surge import BaseConfig, Surge


def _run_in_thread(coro_factory: Any) -> Any:
    """Run a coroutine on its own loop in a thread: sync fixtures must not touch the test's loop."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coro_factory())
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
    """One database to run a test against, plus a direct (extension-free) way to look at rows."""

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
        """Rows of ``sql``, read with the raw driver (not through Surge)."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as conn:
                return [tuple(row) for row in conn.execute(sql).fetchall()]
        conn = await asyncpg.connect(self.pg_dsn, server_settings={"search_path": self.schema or "public"})
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    async def tables(self) -> set[str]:
        """Names of the tables that exist in this target."""
        if self.sqlite_path is not None:
            rows = await self.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            rows = await self.fetch(
                f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{self.schema}'"
            )
        return {row[0] for row in rows}


def _sqlite_target(tmp_path: Any) -> SqlTarget:
    path = str(tmp_path / "test.db")
    return SqlTarget("sqlite", f"sqlite+aiosqlite:///{path}", sqlite_path=path)


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_target(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    """Each test runs on SQLite (a file in tmp_path) and on PostgreSQL (a fresh schema)."""
    if request.param == "sqlite":
        yield _sqlite_target(tmp_path)
        return
    url: str = request.getfixturevalue("postgres_url")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    schema = f"surge_sql_{uuid.uuid4().hex[:12]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _run_in_thread(lambda: run(f'CREATE SCHEMA "{schema}"'))
    options = {"connect_args": {"server_settings": {"search_path": schema}}}
    try:
        yield SqlTarget("postgresql", url, options, pg_dsn=dsn, schema=schema)
    finally:
        _run_in_thread(lambda: run(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def sqlite_target(tmp_path: Any) -> SqlTarget:
    """Only SQLite (for tests about configuration, not database behaviour)."""
    return _sqlite_target(tmp_path)


def build_app(
    *,
    extensions: list[Any],
    models: list[Any] = (),  # type: ignore[assignment]
    controllers: list[Any] = (),  # type: ignore[assignment]
    **config: Any,
) -> Surge:
    """An app with these extensions, models and controllers, configured in code."""
    config.setdefault("DEBUG", False)
    app = Surge(configs=BaseConfig(**config))
    app.models.extend(models)
    for extension in extensions:
        app.add_extension(extension)
    for controller in controllers:
        app.register_controller(controller)
    return app


@pytest.fixture
def make_app() -> Any:
    """:func:`build_app` as a fixture."""
    return build_app
