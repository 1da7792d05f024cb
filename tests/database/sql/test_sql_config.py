"""Configuration: defaults, and every misconfiguration failing at startup naming its key."""

from __future__ import annotations

import sys

import pytest

import surge.database
from surge.controller import Controller, get, path
from surge.database.sql import SqlDatabase, SqlDatabaseConfig
from surge.exceptions import ImproperlyConfigured, MissingDependency
from surge.testing import TestClient


def test_defaults():
    db = SqlDatabase()
    assert (db.db_name, db.configs_name, db.extension_name) == ("db", "SQL_DATABASE", "sql_database")
    config = SqlDatabaseConfig()
    assert config.DATABASE_URI == "sqlite+aiosqlite:///./surge.db"
    assert config.SESSION_NAME == "session"
    assert config.SHOW_SQL is False
    assert config.ALEMBIC_MIGRATION_DIR == "migrations"
    assert config.CREATE_ALL is False


def test_seed_imports():
    from surge.database import AsyncSession, create_declerative_base
    from surge.database.sql import create_declarative_base
    from surge.database.sql.migrate import Migrate

    assert create_declerative_base is create_declarative_base
    assert AsyncSession.__name__ == "AsyncSession"
    assert Migrate.__name__ == "Migrate"
    assert surge.database.__all__ == sorted(surge.database.__all__)
    for name in surge.database.__all__:
        assert getattr(surge.database, name) is not None
    with pytest.raises(AttributeError):
        surge.database.nope  # noqa: B018


def test_section_is_applied(sqlite_target, make_app):
    db = SqlDatabase()
    make_app(
        extensions=[db],
        SQL_DATABASE=sqlite_target.section(
            SHOW_SQL=True, POOL_SIZE=3, MAX_OVERFLOW=0, DATABASE_SESSION_NAME="db_session"
        ),
    )
    assert db.engine.echo is True
    assert db.engine.pool.size() == 3
    assert db.session_name == "db_session"  # the 000 seed's key name is accepted as an alias
    assert db.db_uri == sqlite_target.uri


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"DATABASE_URI": "not a url"}, r"SQL_DATABASE\.DATABASE_URI: 'not a url' is not a database URL"),
        (
            {"DATABASE_URI": "nosuchdb+drv://h/x"},
            r"SQL_DATABASE\.DATABASE_URI: unknown database dialect 'nosuchdb\+drv'",
        ),
        (
            {"DATABASE_URI": "sqlite:///x.db"},
            r"SQL_DATABASE\.DATABASE_URI: 'sqlite' is not an async driver.*aiosqlite",
        ),
        (
            {"DATABASE_URI": "mysql+aiomysql://u:secret@localhost/x"},
            r"SQL_DATABASE\.DATABASE_URI: the driver of 'mysql\+aiomysql' is not installed.*install the 'aiomysql'",
        ),
        ({"SHOWSQL": True}, r"SQL_DATABASE\.SHOWSQL: Extra inputs are not permitted"),
        ({"POOL_SIZE": "many"}, r"SQL_DATABASE\.POOL_SIZE"),
        (
            {"ENGINE_OPTIONS": {"no_such_option": 1}},
            r"SQL_DATABASE: cannot create the engine.*no_such_option",
        ),
    ],
)
def test_misconfiguration_names_the_key(section, expected, make_app):
    with pytest.raises(ImproperlyConfigured, match=expected) as info:
        make_app(extensions=[SqlDatabase()], SQL_DATABASE=section)
    assert "secret" not in str(info.value)


def test_missing_driver_names_the_extra(monkeypatch, make_app):
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if asyncpg were not installed
    with pytest.raises(
        MissingDependency, match=r"SQL_DATABASE\.DATABASE_URI \(postgresql\+asyncpg\).*surge\[sql\]"
    ):
        make_app(extensions=[SqlDatabase()], SQL_DATABASE={"DATABASE_URI": "postgresql+asyncpg://h/x"})


def test_section_name_follows_configs_name(make_app):
    with pytest.raises(ImproperlyConfigured, match=r"MY_DATABASE\.DATABASE_URI"):
        make_app(
            extensions=[SqlDatabase(configs_name="MY_DATABASE")], MY_DATABASE={"DATABASE_URI": "sqlite:///x"}
        )


async def test_unreachable_database_fails_at_startup_without_the_password(make_app):
    db = SqlDatabase()
    app = make_app(
        extensions=[db],
        SQL_DATABASE={
            "DATABASE_URI": "postgresql+asyncpg://u:secret@127.0.0.1:1/x",
            "ENGINE_OPTIONS": {"connect_args": {"timeout": 5}},
        },
    )
    with pytest.raises(
        ImproperlyConfigured,
        match=r"SQL_DATABASE\.DATABASE_URI: cannot connect to .*u:\*\*\*@127\.0\.0\.1:1/x",
    ) as info:
        await app.startup()
    assert "secret" not in str(info.value)


async def test_uninitialized_database_is_a_clear_error():
    db = SqlDatabase(db_name="lonely")
    with pytest.raises(
        RuntimeError, match="'lonely' \\(SQL_DATABASE\\)> is not initialized: list it in EXTENSIONS"
    ):
        db.create_session()
    with pytest.raises(RuntimeError, match="not initialized"):
        _ = db.engine


async def test_create_all_is_off_by_default_and_tables_come_on_demand(sqlite_target, make_app):
    from sql_models import Post, User

    db = SqlDatabase()
    app = make_app(extensions=[db], models=[User, Post], SQL_DATABASE=sqlite_target.section())
    await app.startup()
    try:
        assert await sqlite_target.tables() == set()
        await db.create_all()
        assert await sqlite_target.tables() == {"users", "posts"}
        await db.drop_all()
        assert await sqlite_target.tables() == set()
    finally:
        await app.shutdown()


async def test_sqlite_foreign_keys_can_be_left_off(sqlite_target, make_app):
    from sql_models import Post, User, UsersApi, db

    section = sqlite_target.section(SQLITE_FOREIGN_KEYS=False, CREATE_ALL=True)
    app = make_app(extensions=[db], models=[User, Post], controllers=[UsersApi], SQL_DATABASE=section)
    async with TestClient(app) as client:
        res = await client.post("/users/posts", json={"user_id": 4242, "title": "orphan"})
    assert res.status_code == 200  # SQLite's own default: unenforced (on by default in Surge)
    assert await sqlite_target.fetch("SELECT user_id FROM posts") == [(4242,)]


async def test_session_name_on_an_endpoint_comes_from_the_config(sqlite_target, make_app):
    db = SqlDatabase()

    @path("/")
    class Api(Controller):
        @get("/")
        @db.readonly_session
        async def index(self, req, db_session) -> dict:
            return {"session": type(db_session).__name__}

    app = make_app(
        extensions=[db], controllers=[Api], SQL_DATABASE=sqlite_target.section(SESSION_NAME="db_session")
    )
    async with TestClient(app) as client:
        res = await client.get("/")
    assert res.json() == {"session": "AsyncSession"}
    assert repr(db) == "<SqlDatabase 'db' (SQL_DATABASE)>"


def test_every_key_pyjolt_knows_is_accepted_and_a_typo_still_fails(sqlite_target, make_app):
    """PyJolt's SqlDatabase and Migrate read DATABASE_URI, DATABASE_SESSION_NAME, SHOW_SQL,
    NICE_NAME, ALEMBIC_MIGRATION_DIR and ALEMBIC_DATABASE_URI_SYNC."""
    db = SqlDatabase()
    section = {
        "DATABASE_URI": sqlite_target.uri,
        "DATABASE_SESSION_NAME": "tx",
        "SHOW_SQL": False,
        "NICE_NAME": "Main database",
        "ALEMBIC_MIGRATION_DIR": "migrations",
        "ALEMBIC_DATABASE_URI_SYNC": f"sqlite:///{sqlite_target.sqlite_path}",
    }
    make_app(extensions=[db], SQL_DATABASE=section)
    assert (db.session_name, db.nice_name) == ("tx", "Main database")
    with pytest.raises(ImproperlyConfigured, match=r"SQL_DATABASE\.NICE_NAMES"):
        make_app(extensions=[SqlDatabase()], SQL_DATABASE={**section, "NICE_NAMES": "typo"})
