"""Migrate: the db-* commands in a temp project, on SQLite and PostgreSQL, through app.run_cli()."""

from __future__ import annotations

import asyncio
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest

from surge import BaseConfig, Surge

MODELS_V1 = """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from surge.database import create_declerative_base

Base = create_declerative_base("db")


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
"""

EXTENSIONS = """
from surge.database.sql import SqlDatabase
from surge.database.sql.migrate import Migrate

db = SqlDatabase(db_name="db", configs_name="SQL_DATABASE")
migrate = Migrate(db, command_prefix="")
"""


def write_project(root: Path, files: dict[str, str]) -> str:
    """An importable package under ``root`` with ``files``; returns its (unique) name."""
    name = f"proj_{uuid.uuid4().hex[:10]}"
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for filename, text in files.items():
        (package / filename).write_text(textwrap.dedent(text))
    return name


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def make_app(root: Path, package: str, **config: Any) -> Surge:
    return Surge(
        configs=BaseConfig(
            BASE_PATH=str(root),
            DEBUG=False,
            MODELS=[f"{package}.models:Item"],
            EXTENSIONS=[f"{package}.extensions:db", f"{package}.extensions:migrate"],
            **config,
        )
    )


def tables(target: Any) -> set[str]:
    return asyncio.run(target.tables()) - {"alembic_version"}


def test_migration_round_trip(sql_target, project, capsys):
    package = write_project(project, {"models.py": MODELS_V1, "extensions.py": EXTENSIONS})
    app = make_app(project, package, SQL_DATABASE=sql_target.section())

    assert app.run_cli(["db-init"]) == 0
    migrations = project / "migrations"
    assert (migrations / "env.py").is_file() and (migrations / "script.py.mako").is_file()
    assert (migrations / "versions").is_dir()

    assert app.run_cli(["db-migrate", "--message", "create items"]) == 0
    [revision_file] = list((migrations / "versions").glob("*.py"))
    source = revision_file.read_text()
    assert "create items" in source
    assert "op.create_table('items'" in source and "sa.Column('name', sa.String(length=40)" in source
    assert "op.drop_table('items')" in source
    revision = source.split("revision: str = '")[1].split("'")[0]
    assert tables(sql_target) == set()

    assert app.run_cli(["db-upgrade"]) == 0
    assert tables(sql_target) == {"items"}
    capsys.readouterr()

    assert app.run_cli(["db-current", "--verbose"]) == 0
    assert revision in capsys.readouterr().out
    assert app.run_cli(["db-history", "--indicate-current"]) == 0
    history = capsys.readouterr().out
    assert revision in history and "create items" in history
    assert app.run_cli(["db-heads"]) == 0
    assert revision in capsys.readouterr().out
    assert app.run_cli(["db-show", "--revision", revision]) == 0
    assert "create items" in capsys.readouterr().out

    assert app.run_cli(["db-downgrade"]) == 0
    assert tables(sql_target) == set()
    assert app.run_cli(["db-stamp", "--revision", revision]) == 0  # recorded, not run
    assert tables(sql_target) == set()
    assert asyncio.run(sql_target.fetch("SELECT version_num FROM alembic_version")) == [(revision,)]
    assert app.run_cli(["db-stamp", "--revision", "base"]) == 0
    assert app.run_cli(["db-upgrade", "--revision", revision]) == 0
    assert tables(sql_target) == {"items"}

    assert app.run_cli(["db-init"]) == 0  # idempotent, keeps an edited env.py
    assert "Migrations folder ready" in capsys.readouterr().out


def test_second_migration_sees_a_new_column(sqlite_target, project):
    package = write_project(project, {"models.py": MODELS_V1, "extensions.py": EXTENSIONS})
    app = make_app(project, package, SQL_DATABASE=sqlite_target.section())
    for argv in (["db-init"], ["db-migrate", "--message", "one"], ["db-upgrade"]):
        assert app.run_cli(argv) == 0
    (project / package / "models.py").write_text(
        textwrap.dedent(MODELS_V1)
        + "    note: Mapped[str | None] = mapped_column(String(80), nullable=True)\n"
    )
    import importlib
    import sys

    importlib.reload(sys.modules[f"{package}.models"])
    app = make_app(project, package, SQL_DATABASE=sqlite_target.section())
    assert app.run_cli(["db-migrate", "--message", "two"]) == 0
    [second] = [p for p in (project / "migrations" / "versions").glob("*.py") if "two" in p.read_text()]
    assert "add_column(sa.Column('note'" in second.read_text()
    assert app.run_cli(["db-upgrade"]) == 0
    columns = asyncio.run(sqlite_target.fetch("SELECT name FROM pragma_table_info('items')"))
    assert [c for (c,) in columns] == ["id", "name", "note"]


def test_sync_uri_runs_migrations_with_a_sync_engine(sqlite_target, project):
    package = write_project(project, {"models.py": MODELS_V1, "extensions.py": EXTENSIONS})
    section = sqlite_target.section(
        ALEMBIC_DATABASE_URI_SYNC=f"sqlite:///{sqlite_target.sqlite_path}",
        ALEMBIC_MIGRATION_DIR="db/migrations",
    )
    app = make_app(project, package, SQL_DATABASE=section)
    for argv in (["db-init"], ["db-migrate", "--message", "sync"], ["db-upgrade"]):
        assert app.run_cli(argv) == 0
    assert (project / "db" / "migrations" / "env.py").is_file()
    assert tables(sqlite_target) == {"items"}


def test_command_prefix_for_a_second_database(sqlite_target, project, tmp_path):
    extensions = (
        EXTENSIONS
        + """
analytics = SqlDatabase(db_name="analytics", configs_name="ANALYTICS_DATABASE")
analytics_migrate = Migrate(analytics, command_prefix="analytics-")
"""
    )
    models = (
        MODELS_V1
        + """
AnalyticsBase = create_declerative_base("analytics")


class Event(AnalyticsBase):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
"""
    )
    package = write_project(project, {"models.py": models, "extensions.py": extensions})
    analytics_file = tmp_path / "analytics.db"
    app = Surge(
        configs=BaseConfig(
            BASE_PATH=str(project),
            MODELS=[f"{package}.models:Item", f"{package}.models:Event"],
            EXTENSIONS=[
                f"{package}.extensions:{name}" for name in ("db", "migrate", "analytics", "analytics_migrate")
            ],
            SQL_DATABASE=sqlite_target.section(),
            ANALYTICS_DATABASE={
                "DATABASE_URI": f"sqlite+aiosqlite:///{analytics_file}",
                "ALEMBIC_MIGRATION_DIR": "analytics_migrations",
            },
        )
    )
    for argv in (
        ["analytics-db-init"],
        ["analytics-db-migrate", "--message", "events"],
        ["analytics-db-upgrade"],
    ):
        assert app.run_cli(argv) == 0
    [revision] = list((project / "analytics_migrations" / "versions").glob("*.py"))
    assert "'events'" in revision.read_text() and "'items'" not in revision.read_text()
    assert not (project / "migrations").exists()
    assert tables(sqlite_target) == set()
    import sqlite3

    with sqlite3.connect(analytics_file) as conn:
        found = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert found == {"events", "alembic_version"}


def test_commands_before_init_fail_with_a_clear_message(sqlite_target, project, capsys):
    package = write_project(project, {"models.py": MODELS_V1, "extensions.py": EXTENSIONS})
    app = make_app(project, package, SQL_DATABASE=sqlite_target.section())
    with pytest.raises(SystemExit) as info:
        app.run_cli(["db-upgrade"])
    assert info.value.code == 1
    assert "run db-init first" in capsys.readouterr().err


def test_migrate_without_models_fails_with_a_clear_message(sqlite_target, project, capsys):
    package = write_project(project, {"models.py": MODELS_V1, "extensions.py": EXTENSIONS})
    app = Surge(
        configs=BaseConfig(
            BASE_PATH=str(project),
            EXTENSIONS=[f"{package}.extensions:db", f"{package}.extensions:migrate"],
            SQL_DATABASE=sqlite_target.section(),
        )
    )
    assert app.run_cli(["db-init"]) == 0
    with pytest.raises(SystemExit) as info:
        app.run_cli(["db-migrate"])
    assert info.value.code == 1
    assert "No models of database 'db' in MODELS" in capsys.readouterr().err
