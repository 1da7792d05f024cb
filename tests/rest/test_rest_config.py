"""Configuring RestApi: resources from config or code, the database, middleware, and errors."""

from __future__ import annotations

from typing import Any

import pytest

from surge import BaseConfig, Surge
from surge.database.sql import SqlDatabase
from surge.exceptions.config import ImproperlyConfigured
from surge.http.request import Request
from surge.http.response import Response
from surge.rest import ConfigurationError, Field, Middleware, RestApi, RestEndpoint
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class NoteEndpoint(RestEndpoint):
    text: str = Field(min_length=1)


class TagEndpoint(RestEndpoint):
    label: str = Field(min_length=1)


db = SqlDatabase()
rest = RestApi()
CALLS: list[str] = []


class TraceMiddleware(Middleware):
    def process(self, request: Request, response: Response | None) -> Response | None:
        CALLS.append("before" if response is None else f"after {response.status_code}")
        return None


class HeaderMiddleware(Middleware):
    async def process(self, request: Request, response: Response | None) -> Response | None:
        CALLS.append("header " + ("before" if response is None else "after"))
        if response is not None:
            response.headers["X-Served-By"] = "surge"
        return None


async def test_resources_and_middleware_from_the_config(sqlite_target: Target) -> None:
    class Config(BaseConfig):
        DEBUG: bool = False
        EXTENSIONS: list[str] = ["test_rest_config:db", "test_rest_config:rest"]
        SQL_DATABASE: dict[str, Any] = sqlite_target.section()
        REST_ENDPOINTS: dict[str, str] = {"/tags": "test_rest_config:TagEndpoint"}
        REST_API: dict[str, Any] = {
            "ENDPOINTS": {"/notes": "test_rest_config:NoteEndpoint"},
            "MIDDLEWARE": ["test_rest_config:TraceMiddleware", "test_rest_config:HeaderMiddleware"],
        }

    CALLS.clear()
    app = Surge(configs=Config)
    assert set(rest.resources.values()) == {"/notes", "/tags"}
    async with TestClient(app) as client:
        response = await client.post("/notes", json={"text": "hi"})
        assert response.status_code == 201 and response.headers["x-served-by"] == "surge"
        assert (await client.get("/tags")).status_code == 200
    # declaration order before the endpoint, reverse order after it
    assert CALLS[:4] == ["before", "header before", "header after", "after 201"]


async def test_register_in_code_after_init(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target)
    app.extensions["rest_api"].register({"/notes": NoteEndpoint})
    async with TestClient(app) as client:
        assert (await client.post("/notes", json={"text": "x"})).status_code == 201


def test_unknown_keys_are_refused(sqlite_target: Target) -> None:
    with pytest.raises(ImproperlyConfigured, match="REST_API.ENDPOINT: Extra inputs are not permitted"):
        rest_app(sqlite_target, REST_API={"ENDPOINT": {}})
    with pytest.raises(ImproperlyConfigured, match="REST_API.RATE_LIMIT: expected"):
        rest_app(sqlite_target, REST_API={"RATE_LIMIT": {"requests": 5, "per": 60}})
    with pytest.raises(ImproperlyConfigured, match=r"REST_API.ENDPOINTS\['/x'\]"):
        rest_app(sqlite_target, REST_API={"ENDPOINTS": {"/x": "test_rest_config:Nope"}})
    with pytest.raises(ImproperlyConfigured, match="REST_API.LOGIN_VALIDATOR"):
        rest_app(sqlite_target, REST_API={"LOGIN_VALIDATOR": "nowhere:check"})


def test_a_database_is_required(sqlite_target: Target) -> None:
    app = Surge(configs=BaseConfig(DEBUG=False))
    with pytest.raises(ImproperlyConfigured, match="needs a surge.database.sql.SqlDatabase listed in EXTENSIONS before it"):
        app.add_extension(RestApi())


def test_registering_something_else_is_refused(sqlite_target: Target) -> None:
    class Abstract(RestEndpoint):
        class Meta:
            abstract = True

    for wrong in (object, Abstract):
        with pytest.raises(ConfigurationError, match="must map to a concrete RestEndpoint subclass"):
            rest_app(sqlite_target, {"/wrong": wrong})


async def test_choosing_one_of_several_databases(tmp_path: Any) -> None:
    main = SqlDatabase()
    other = SqlDatabase(db_name="archive", configs_name="ARCHIVE_DATABASE")
    app = Surge(
        configs=BaseConfig(
            DEBUG=False,
            SQL_DATABASE={"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path}/main.db"},
            ARCHIVE_DATABASE={"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path}/archive.db"},
            REST_API={"DATABASE": "archive"},
        )
    )
    app.add_extension(main)
    app.add_extension(other)
    api = RestApi()
    api.register({"/notes": NoteEndpoint})
    app.add_extension(api)
    async with TestClient(app) as client:
        assert (await client.post("/notes", json={"text": "x"})).status_code == 201
    import sqlite3

    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("SELECT text FROM noteendpoints").fetchall() == [("x",)]
    with pytest.raises(ImproperlyConfigured, match="several SqlDatabases"):
        twice = Surge(configs=BaseConfig(DEBUG=False, ARCHIVE_DATABASE={"DATABASE_URI": "sqlite+aiosqlite:///:memory:"}))
        twice.add_extension(SqlDatabase())
        twice.add_extension(SqlDatabase(db_name="archive", configs_name="ARCHIVE_DATABASE"))
        twice.add_extension(RestApi())


async def test_create_tables_can_be_turned_off(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/notes": NoteEndpoint}, REST_API={"CREATE_TABLES": False})):
        pass
    assert await sqlite_target.fetch("SELECT name FROM sqlite_master WHERE name = 'noteendpoints'") == []


async def test_get_async_session_commits_or_rolls_back(sqlite_target: Target) -> None:
    from sqlalchemy import insert, select

    from surge.rest import get_async_session

    app = rest_app(sqlite_target, {"/notes": NoteEndpoint})
    async with TestClient(app):
        database = app.extensions["sql_database"]
        table = NoteEndpoint._model_class.__table__
        async with get_async_session(database) as session:
            await session.execute(insert(table).values(text="kept", version=1, created_at=_now(), updated_at=_now()))
        with pytest.raises(RuntimeError):
            async with get_async_session(database.engine) as session:
                await session.execute(insert(table).values(text="lost", version=1, created_at=_now(), updated_at=_now()))
                raise RuntimeError("boom")
        async with get_async_session(database) as session:
            assert (await session.execute(select(table.c.text))).scalars().all() == ["kept"]


def _now() -> Any:
    from datetime import datetime

    return datetime(2024, 1, 1)
