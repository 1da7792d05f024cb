"""NoSqlDatabase in an app: @managed_database transactions, injection names, config errors."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from surge import MediaType, Request, Response
from surge.controller import Controller, consumes, get, path, post
from surge.database.nosql import NoSqlDatabase
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient

from surge_testkit import make_app

nosqldb = NoSqlDatabase()


class NewUser(BaseModel):
    email: str
    fullname: str
    age: int


@path("/api/users")
class UsersApi(Controller):
    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @nosqldb.managed_database
    async def create_user(self, req: Request, data: NewUser, db: Any, session: Any = None) -> Response:
        """The seed's example, verbatim in spirit."""
        await db.insert_one("users", {"_id": data.email, "fullname": data.fullname, "age": data.age}, session=session)
        return req.response.json({"message": "User added successfully", "status": "success"}).status(201)

    @post("/pair")
    @consumes(MediaType.APPLICATION_JSON)
    @nosqldb.managed_database
    async def create_pair(self, req: Request, data: NewUser, db: Any, session: Any) -> dict[str, Any]:
        await db.insert_one("users", {"_id": data.email, "age": data.age}, session=session)
        if data.age < 0:
            raise ValueError("age must not be negative")  # after the insert: it must be rolled back
        await db.insert_one("audit", {"user": data.email}, session=session)
        return {"ok": True, "in_transaction": session is not None}

    @get("/<email>")
    @nosqldb.readonly_database
    async def get_user(self, req: Request, email: str, db: Any) -> Response:
        user = await db.find_one("users", {"_id": email})
        if user is None:
            return req.response.json({"status": "error", "message": "not found"}).status(404)
        return req.response.json(user)

    @get("/")
    async def list_users(self, req: Request) -> dict[str, Any]:
        return {"users": await nosqldb.find_many("users", {}, sort=[("_id", 1)])}


@pytest.fixture
async def client(tmp_path):
    app = make_app(
        UsersApi,
        NOSQL_DATABASE={
            "BACKEND": "surge.database.nosql:SqliteJsonBackend",
            "DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
        },
    )
    app.add_extension(nosqldb)
    async with TestClient(app) as c:
        yield c


async def test_managed_database_inserts_and_reads(client):
    response = await client.post("/api/users/", json={"email": "a@x.io", "fullname": "Ann", "age": 30})
    assert response.status_code == 201
    assert response.json() == {"message": "User added successfully", "status": "success"}
    assert (await client.get("/api/users/a@x.io")).json() == {"_id": "a@x.io", "fullname": "Ann", "age": 30}
    assert (await client.get("/api/users/b@x.io")).status_code == 404


async def test_a_failing_handler_rolls_the_transaction_back(client):
    ok = await client.post("/api/users/pair", json={"email": "b@x.io", "fullname": "Bob", "age": 5})
    assert ok.json() == {"ok": True, "in_transaction": True}
    failed = await client.post("/api/users/pair", json={"email": "c@x.io", "fullname": "Cid", "age": -1})
    assert failed.status_code == 500
    assert (await client.get("/api/users/c@x.io")).status_code == 404
    assert [user["_id"] for user in (await client.get("/api/users/")).json()["users"]] == ["b@x.io"]
    assert len(await nosqldb.find_many("audit")) == 1


async def test_bad_input_is_a_4xx(client):
    response = await client.post("/api/users/", json={"email": "a@x.io"})
    assert response.status_code == 422


def test_query_params_are_not_mistaken_for_injected_names():
    app = make_app(UsersApi, NOSQL_DATABASE={"BACKEND": "surge.database.nosql:SqliteJsonBackend", "DATABASE_URI": "sqlite:///x.db"})
    app.add_extension(nosqldb)
    app.compile()
    route_info = next(r.info for r in app.router.routes if r.info.name == "UsersApi.create_user")
    assert route_info.params.query == {}


custom = NoSqlDatabase(db_name="other", variable_prefix="OTHER_")


@path("/custom")
class CustomApi(Controller):
    @get("/")
    @custom.managed_database
    async def names(self, req: Request, store: Any, tx: Any) -> dict[str, Any]:
        await store.insert_one("things", {"n": 1}, session=tx)
        return {"count": len(await store.find_many("things", session=tx)), "db": store.db_name}


async def test_prefix_and_custom_injection_names(tmp_path):
    app = make_app(
        CustomApi,
        OTHER_NOSQL_DATABASE={
            "BACKEND": "surge.database.nosql:SqliteJsonBackend",
            "DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}",
            "DB_INJECT_NAME": "store",
            "SESSION_NAME": "tx",
            "TABLE_PREFIX": "app_",
        },
    )
    app.add_extension(custom)
    async with TestClient(app) as c:
        assert (await c.get("/custom/")).json() == {"count": 1, "db": "other"}
        assert (await c.get("/custom/")).json()["count"] == 2
    assert custom.configs_name == "OTHER_NOSQL_DATABASE"
    import sqlite3

    with sqlite3.connect(tmp_path / "other.db") as probe:
        assert probe.execute("SELECT COUNT(*) FROM app_things").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("section", "named"),
    [
        (None, "NOSQL_DATABASE"),
        ({"DATABASE_URI": "sqlite:///x.db"}, "NOSQL_DATABASE.BACKEND"),
        ({"BACKEND": "surge.database.nosql:NoSqlDatabase", "DATABASE_URI": "x"}, "NOSQL_DATABASE.BACKEND"),
        ({"BACKEND": "surge.database.nosql:SqliteJsonBackend"}, "NOSQL_DATABASE.DATABASE_URI"),
        ({"BACKEND": "surge.database.nosql:SqliteJsonBackend", "DATABASE_URI": "mongodb:///x"}, "NOSQL_DATABASE.DATABASE_URI"),
        ({"BACKEND": "surge.database.nosql:SqliteJsonBackend", "DATABASE_URI": "sqlite:///x", "TABLE_PREFIX": "a-b"},
         "NOSQL_DATABASE.TABLE_PREFIX"),
    ],
)
def test_bad_config_names_the_key(section, named):
    settings = {} if section is None else {"NOSQL_DATABASE": section}
    app = make_app(**settings)
    with pytest.raises(ImproperlyConfigured, match=named.replace(".", r"\.")):
        app.add_extension(NoSqlDatabase())


def test_backend_before_init_is_a_clear_error():
    with pytest.raises(RuntimeError, match="init_app"):
        _ = NoSqlDatabase().backend


async def test_decorator_without_the_extension_fails_at_startup():
    app = make_app(CustomApi)  # `custom` is not in this app's EXTENSIONS
    with pytest.raises(ImproperlyConfigured, match=r"CustomApi\.names uses <NoSqlDatabase 'other'"):
        await app.startup()


async def test_pyjolt_key_names_are_accepted(tmp_path):
    """PyJolt's section spells the database DATABASE_NAME and the injected name INJECT_NAME."""
    app = make_app(
        CustomApi,
        OTHER_NOSQL_DATABASE={
            "BACKEND": "surge.database.nosql:SqliteJsonBackend",
            "DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}",
            "DATABASE_NAME": "main",
            "INJECT_NAME": "store",
            "SESSION_NAME": "tx",
            "NICE_NAME": "Documents",
        },
    )
    app.add_extension(custom)
    async with TestClient(app) as c:
        assert (await c.get("/custom/")).json() == {"count": 1, "db": "other"}
