"""Constraint violations in a managed session answer 409 / 422, not 500, on both databases."""

from __future__ import annotations

import pytest
from sql_models import Post, User, UsersApi, db
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from surge import Request
from surge.exceptions import ExceptionHandler, handles
from surge.testing import TestClient


@pytest.fixture
def app(sql_target, make_app):
    return make_app(
        extensions=[db],
        models=[User, Post],
        controllers=[UsersApi],
        SQL_DATABASE=sql_target.section(CREATE_ALL=True),
    )


async def test_unique_violation_is_409(app, sql_target):
    async with TestClient(app) as client:
        assert (
            await client.post("/users", json={"name": "dup", "email": "a@example.com"})
        ).status_code == 201
        res = await client.post("/users", json={"name": "dup", "email": "b@example.com"})
    assert res.status_code == 409
    body = res.json()
    assert body["status"] == "error"
    assert body["message"] == "A record with the same unique value already exists"
    assert body["data"]["constraint"] == "unique"
    assert body["data"]["fields"] == ["name"]
    assert await sql_target.fetch("SELECT email FROM users") == [("a@example.com",)]


async def test_foreign_key_violation_is_409(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/users/posts", json={"user_id": 4242, "title": "orphan"})
    assert res.status_code == 409
    assert res.json()["data"]["constraint"] == "foreign_key"
    assert await sql_target.fetch("SELECT title FROM posts") == []


async def test_not_null_violation_is_422(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/users", json={"name": "no-email"})
    assert res.status_code == 422
    body = res.json()
    assert body["message"] == "A required value is missing"
    assert body["data"]["constraint"] == "not_null"
    assert body["data"]["fields"] == ["email"]
    assert await sql_target.fetch("SELECT name FROM users") == []


class IntegrityHandler(ExceptionHandler):
    @handles(IntegrityError)
    async def integrity(self, req: Request, exc: IntegrityError):
        return req.response.json({"custom": True}).status(418)


class SqlErrorHandler(ExceptionHandler):
    @handles(SQLAlchemyError)
    async def any_sql_error(self, req: Request, exc: SQLAlchemyError):
        return req.response.json({"custom": True}).status(418)


class CatchAllHandler(ExceptionHandler):
    @handles(Exception)
    async def anything(self, req: Request, exc: Exception):
        return req.response.json({"catch_all": True}).status(500)


async def test_catch_all_handler_does_not_hide_the_409(sqlite_target, make_app):
    app = make_app(
        extensions=[],
        models=[User, Post],
        controllers=[UsersApi],
        SQL_DATABASE=sqlite_target.section(CREATE_ALL=True),
    )
    app.add_exception_handler(CatchAllHandler)
    app.add_extension(db)
    async with TestClient(app) as client:
        res = await client.post("/users", json={"name": "no-email"})
    assert res.status_code == 422


@pytest.mark.parametrize("handler", [IntegrityHandler, SqlErrorHandler])
async def test_user_exception_handler_wins(handler, sqlite_target, make_app):
    app = make_app(
        extensions=[],
        models=[User, Post],
        controllers=[UsersApi],
        SQL_DATABASE=sqlite_target.section(CREATE_ALL=True),
    )
    app.add_exception_handler(handler)
    app.add_extension(db)  # registered after the handler, as EXCEPTION_HANDLERS are before EXTENSIONS
    async with TestClient(app) as client:
        res = await client.post("/users", json={"name": "no-email"})
    assert res.status_code == 418
    assert res.json() == {"custom": True}
