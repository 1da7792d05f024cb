"""State machine fixtures: the SQL targets (a SQLite file and a private PostgreSQL schema)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sql_targets import SqlTarget, postgres_schema_target
from sql_targets import sqlite_target as sqlite_target_in


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_target(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[SqlTarget]:
    """Each test runs on SQLite (a file in tmp_path) and on PostgreSQL (a fresh schema)."""
    if request.param == "sqlite":
        yield sqlite_target_in(tmp_path)
        return
    with postgres_schema_target(request.getfixturevalue("postgres_url"), "surge_sm") as target:
        yield target
