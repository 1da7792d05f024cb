"""Helpers and fixtures for the REST tests: ``from rest_testkit import ...`` (a unique module name).

Tests that take ``target`` run once per database. On PostgreSQL each test gets its own
schema (the connection's search_path), dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from surge import BaseConfig, Surge
from surge.database.sql import SqlDatabase
from surge.rest import RestApi

from sql_targets import SqlTarget, postgres_schema_target
from sql_targets import sqlite_target as sqlite_target_in

Target = SqlTarget  # the REST tests' name for it


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Target]:
    """Each test runs on SQLite and on PostgreSQL (a fresh schema)."""
    if request.param == "sqlite":
        yield sqlite_target_in(tmp_path, "rest.db")
        return
    with postgres_schema_target(request.getfixturevalue("postgres_url"), "surge_rest") as schema_target:
        yield schema_target


@pytest.fixture
def sqlite_target(tmp_path: Any) -> Target:
    """Only SQLite (for behaviour that does not depend on the database)."""
    return sqlite_target_in(tmp_path, "rest.db")


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
