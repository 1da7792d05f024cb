"""@managed_session / @readonly_session through real requests, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import inspect

import pytest
from sql_models import Base, Boom, Post, User, UsersApi, db

from surge.controller.spec import find_endpoint_spec
from surge.database.sql import ReadOnlySessionError
from surge.testing import TestClient


@pytest.fixture
def app(sql_target, make_app):
    return make_app(
        extensions=[db],
        models=[User, Post],
        controllers=[UsersApi],
        SQL_DATABASE=sql_target.section(CREATE_ALL=True),
    )


async def test_managed_session_commits_what_the_handler_wrote(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/users", json={"name": "alice", "email": "a@example.com"})
        assert res.status_code == 201
        body = res.json()
        assert body["name"] == "alice" and isinstance(body["id"], int)
        res = await client.get(f"/users/{body['id']}")
        assert res.status_code == 200
        assert res.json() == {"id": body["id"], "name": "alice"}
    assert await sql_target.fetch("SELECT name, email FROM users") == [("alice", "a@example.com")]


async def test_exception_after_flush_rolls_back(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/users/fail", json={"name": "ghost"})
        assert res.status_code == 500
        res = await client.post("/users/refuse", json={"name": "ghost2"})
        assert res.status_code == 400
        assert res.json()["message"] == "refused after the insert"
    assert await sql_target.fetch("SELECT name FROM users") == []


async def test_returned_error_response_is_still_committed(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/users/soft-error", json={"name": "kept"})
        assert res.status_code == 400
    assert await sql_target.fetch("SELECT name FROM users") == [("kept",)]


async def test_readonly_session_never_commits(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/users/readonly-write", json={"name": "sneaky"})
        assert res.status_code == 200
        assert isinstance(res.json()["flushed_id"], int)  # the INSERT ran inside the transaction...
        for style in ("commit", "begin"):  # ...and every way of committing is refused
            res = await client.post(
                "/users/readonly-commit", params={"style": style}, json={"name": "sneakier"}
            )
            assert res.status_code == 500
        async with db.create_readonly_session() as session:
            session.add(User(name="direct", email="d@example.com"))
            with pytest.raises(ReadOnlySessionError, match="cannot commit"):
                await session.commit()
    assert await sql_target.fetch("SELECT name FROM users") == []


async def test_query_without_session_uses_the_requests_session_and_one_404s(app):
    async with TestClient(app) as client:
        created = (await client.post("/users", json={"name": "bob", "email": "b@example.com"})).json()
        res = await client.get(f"/users/{created['id']}/one")
        assert res.status_code == 200
        assert res.json() == {"id": created["id"], "name": "bob"}
        res = await client.get("/users/999999/one")
        assert res.status_code == 404
        assert res.json() == {"status": "error", "message": "Not found"}
        res = await client.get("/users/999999")
        assert res.status_code == 404
        assert res.json()["message"] == "No user 999999"


async def test_session_is_not_a_query_parameter_and_pagination_reads_the_query_string(app):
    async with TestClient(app) as client:
        for index in range(5):
            res = await client.post("/users", json={"name": f"user{index}", "email": "u@example.com"})
            assert res.status_code == 201
        res = await client.get("/users", params={"page": 2, "per_page": 2})
        assert res.status_code == 200
        body = res.json()
        assert [item["name"] for item in body["items"]] == ["user2", "user3"]
        assert {k: v for k, v in body.items() if k != "items"} == {
            "total": 5,
            "page": 2,
            "pages": 3,
            "per_page": 2,
            "has_next": True,
            "has_prev": True,
        }
        res = await client.get("/users", params={"page": 0})
        assert res.status_code == 400
        assert "page" in res.json()["message"]
        res = await client.get("/users", params={"session": "x"})  # not a parameter of the endpoint
        assert res.status_code == 200


async def test_lazy_relationship_through_awaitable_attrs_and_manual_session(app):
    async with TestClient(app) as client:
        user = (await client.post("/users", json={"name": "carol", "email": "c@example.com"})).json()
        for title in ("first", "second"):
            res = await client.post("/users/posts", json={"user_id": user["id"], "title": title})
            assert res.status_code == 200
        res = await client.get(f"/users/{user['id']}/posts")
        assert res.json() == {"titles": ["first", "second"]}
        res = await client.get("/users/manual")
        assert res.json() == {"count": 1}


async def test_fifty_concurrent_inserts_land_exactly_once(app, sql_target):
    async with TestClient(app) as client:
        creates = [client.post("/users", json={"name": f"c{i}", "email": "c@example.com"}) for i in range(50)]
        failures = [client.post("/users/fail", json={"name": f"f{i}"}) for i in range(10)]
        results = await asyncio.gather(*creates, *failures)
    assert [r.status_code for r in results] == [201] * 50 + [500] * 10
    ids = {r.json()["id"] for r in results[:50]}
    assert len(ids) == 50
    rows = await sql_target.fetch("SELECT name FROM users")
    assert sorted(name for (name,) in rows) == sorted(f"c{i}" for i in range(50))


def test_decorators_keep_the_handler_and_its_metadata_in_any_order():
    for name in ("create_user", "create_post", "get_one", "list_users"):
        func = getattr(UsersApi, name)
        spec = find_endpoint_spec(func)
        assert spec is not None and spec.methods, name
        assert [type(w).__name__ for w in spec.wrappers] in (["ManagedSession"], ["ReadOnlySession"]), name
        assert func.__name__ == name and func.__doc__
        assert "session" in inspect.signature(func).parameters or name == "get_one"
    assert find_endpoint_spec(UsersApi.create_user).produces == "application/json"


async def test_openapi_documents_the_endpoint_without_the_session(app):
    from surge.openapi import build_openapi

    async with TestClient(app):
        spec = build_openapi(app)
    operation = spec["paths"]["/users"]["post"]
    assert operation["summary"] or operation.get("description")
    assert "requestBody" in operation
    params = [p["name"] for p in spec["paths"]["/users"]["get"].get("parameters", [])]
    assert "page" in params and "session" not in params


async def test_endpoint_without_initialized_database_fails_at_startup(make_app, sqlite_target):
    from surge.controller import Controller, get, path
    from surge.database.sql import SqlDatabase

    other = SqlDatabase(db_name="other", configs_name="OTHER_DB")

    @path("/x")
    class Api(Controller):
        @get("/")
        @other.readonly_session
        async def index(self, req, session) -> dict:
            return {}

    app = make_app(extensions=[], controllers=[Api])
    with pytest.raises(RuntimeError, match="OTHER_DB.*not initialized"):
        await app.startup()


def test_base_has_its_own_metadata():
    assert set(Base.metadata.tables) == {"users", "posts"}
    assert User.__db_name__ == "db"
    with pytest.raises(RuntimeError, match=r"User.query\(\) needs a session"):
        User.query()
    assert issubclass(Boom, Exception)
