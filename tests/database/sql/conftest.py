"""The SQL test targets: a SQLite file in tmp_path and a private schema on the real PostgreSQL.

Every test that takes ``sql_target`` runs once per database. On PostgreSQL each test gets its
own schema (set as the connection's search_path), dropped afterwards, so tests never see each
other's tables or those of other suites sharing the ``test`` database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from surge import BaseConfig, Surge

from sql_targets import SqlTarget, postgres_schema_target
from sql_targets import sqlite_target as sqlite_target_in


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_target(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[SqlTarget]:
    """Each test runs on SQLite (a file in tmp_path) and on PostgreSQL (a fresh schema)."""
    if request.param == "sqlite":
        yield sqlite_target_in(tmp_path)
        return
    with postgres_schema_target(request.getfixturevalue("postgres_url"), "surge_sql") as target:
        yield target


@pytest.fixture
def sqlite_target(tmp_path: Any) -> SqlTarget:
    """Only SQLite (for tests about configuration, not database behaviour)."""
    return sqlite_target_in(tmp_path)


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
