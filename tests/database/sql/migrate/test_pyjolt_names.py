"""PyJolt's names for a database's commands and models, and PyJolt's own generated env.py.

PyJolt prefixes a database's migration commands with its name in kebab case (``sql-database-*``
for the SQL_DATABASE section, ``other-db-*`` for OTHER_DB) and binds
``create_declarative_base("sql_database")`` to the default database. Surge keeps the README's
``db-*`` for the default database as well. ``pyjolt_migrations/`` holds the folder that
PyJolt 0.111.12's ``db-init`` wrote (see its README): Surge's commands must run its env.py.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from test_commands import write_project

from surge import BaseConfig, Surge

PYJOLT_FOLDER = Path(__file__).with_name("pyjolt_migrations")

MODELS = """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from surge.database.sql import create_declarative_base

Base = create_declarative_base("sql_database")  # PyJolt's default name of the SQL_DATABASE database
OtherBase = create_declarative_base("other_db")


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


class Event(OtherBase):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

EXTENSIONS = """
from surge.database.sql import SqlDatabase
from surge.database.sql.migrate import Migrate

db = SqlDatabase()
migrate = Migrate(db)
other = SqlDatabase(configs_name="OTHER_DB")
other_migrate = Migrate(other)
"""


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Surge:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = write_project(tmp_path, {"models.py": MODELS, "extensions.py": EXTENSIONS})
    return Surge(
        configs=BaseConfig(
            BASE_PATH=str(tmp_path),
            DEBUG=False,
            MODELS=[f"{package}.models:Item", f"{package}.models:Event"],
            EXTENSIONS=[f"{package}.extensions:{n}" for n in ("db", "migrate", "other", "other_migrate")],
            SQL_DATABASE={
                "DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'main.db'}",
                "NICE_NAME": "Main",
            },
            OTHER_DB={
                "DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'other.db'}",
                "ALEMBIC_MIGRATION_DIR": "other_migrations",
                "NICE_NAME": "Other",
            },
        )
    )


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_each_database_has_its_own_prefix_and_models(app: Surge, tmp_path: Path) -> None:
    from surge.cli.app_commands import build_parser

    _, handlers = build_parser(app)
    for name in ("db-upgrade", "sql-database-upgrade", "other-db-upgrade", "other-db-init"):
        assert name in handlers
    assert "other-db-db-upgrade" not in handlers
    for argv in (["sql-database-init"], ["sql-database-migrate", "--message", "items"], ["db-upgrade"]):
        assert app.run_cli(argv) == 0
    for argv in (["other-db-init"], ["other-db-migrate", "--message", "events"], ["other-db-upgrade"]):
        assert app.run_cli(argv) == 0
    assert tables(tmp_path / "main.db") == {"items", "alembic_version"}
    assert tables(tmp_path / "other.db") == {"events", "alembic_version"}
    db, other = app.extensions["sql_database"], app.extensions["other_db"]
    assert (db.nice_name, other.nice_name) == ("Main", "Other")  # type: ignore[attr-defined]


def test_pyjolt_generated_env_py_runs(app: Surge, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    (folder / "versions").mkdir(parents=True)
    shutil.copyfile(PYJOLT_FOLDER / "env.py.txt", folder / "env.py")
    for name in ("alembic.ini", "script.py.mako"):
        shutil.copyfile(PYJOLT_FOLDER / name, folder / name)
    assert "fileConfig(config.config_file_name)" in (folder / "env.py").read_text()
    assert app.run_cli(["db-migrate", "--message", "from pyjolt env"]) == 0
    [revision] = list((folder / "versions").glob("*.py"))
    assert "'items'" in revision.read_text() and "'events'" not in revision.read_text()
    assert app.run_cli(["db-upgrade"]) == 0
    assert tables(tmp_path / "main.db") == {"items", "alembic_version"}
    assert app.run_cli(["db-downgrade", "--revision", "base"]) == 0
    assert tables(tmp_path / "main.db") == {"alembic_version"}
