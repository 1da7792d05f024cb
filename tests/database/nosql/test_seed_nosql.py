"""The seed README's NoSQL database: a custom backend, @managed_database, the extension's methods,
a variable prefix, the SQLite and MongoDB backends.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: SQLite files in ``tmp_path``, MongoDB on 127.0.0.1 when reachable."""

from __future__ import annotations

import uuid

import pytest

from surge.testing import TestClient

from seed_project import SeedProject

MEMORY_BACKEND = """
    \"\"\"A custom backend written the way the seed's "Custom backend implementations" asks.\"\"\"
    import copy
    from typing import Any, Callable, Iterable, Mapping, Optional

    from surge.database.nosql.backends import AsyncNoSqlBackendBase

    EVENTS: list[str] = []


    class MemoryBackend(AsyncNoSqlBackendBase):
        def __init__(self, uri: str, database: str) -> None:
            self.uri = uri
            self.database = database
            self.collections: dict[str, list[dict[str, Any]]] = {}
            self.next_id = 0

        @classmethod
        def configure_from_app(cls, app, variable_prefix: str) -> "MemoryBackend":
            section = app.get_conf(variable_prefix)
            return cls(section["DATABASE_URI"], section["DATABASE"])

        async def connect(self) -> None:
            EVENTS.append(f"connect {self.uri}")

        async def disconnect(self) -> None:
            EVENTS.append("disconnect")

        def database_handle(self) -> Any:
            return self.collections

        def supports_transactions(self) -> bool:
            return True

        async def start_session(self) -> Any:
            return {"session_of": self.database}

        async def with_transaction(self, fn: Callable[..., Any], *args, session: Any = None, **kwargs) -> Any:
            snapshot = copy.deepcopy(self.collections)
            try:
                return await fn(*args, session=session, **kwargs)
            except BaseException:
                self.collections.clear()
                self.collections.update(snapshot)
                raise

        def get_collection(self, name: str) -> Any:
            return self.collections.setdefault(name, [])

        @staticmethod
        def _matches(doc: Mapping[str, Any], filter: Mapping[str, Any] | None) -> bool:
            return all(doc.get(key) == value for key, value in (filter or {}).items())

        async def find_one(self, collection: str, filter: Mapping[str, Any], *, session: Any = None, **kwargs) -> Any:
            return next((dict(d) for d in self.get_collection(collection) if self._matches(d, filter)), None)

        async def find_many(self, collection: str, filter: Mapping[str, Any] | None = None, *, session: Any = None,
                            limit: Optional[int] = None, skip: Optional[int] = None,
                            sort: Optional[Iterable[tuple[str, int]]] = None, **kwargs) -> list[Any]:
            found = [dict(d) for d in self.get_collection(collection) if self._matches(d, filter)]
            for key, direction in reversed(list(sort or [])):
                found.sort(key=lambda d: d[key], reverse=direction < 0)
            found = found[skip or 0:]
            return found[:limit] if limit else found

        async def insert_one(self, collection: str, doc: Mapping[str, Any], *, session: Any = None, **kwargs) -> Any:
            self.next_id += 1
            self.get_collection(collection).append({"_id": self.next_id, **doc})
            return self.next_id

        async def insert_many(self, collection: str, docs: Iterable[Mapping[str, Any]], *, session: Any = None, **kwargs) -> Any:
            return [await self.insert_one(collection, doc) for doc in docs]

        async def update_one(self, collection: str, filter: Mapping[str, Any], update: Mapping[str, Any], *,
                             upsert: bool = False, session: Any = None, **kwargs) -> Any:
            for doc in self.get_collection(collection):
                if self._matches(doc, filter):
                    doc.update(update.get("$set", {}))
                    return 1
            return 0

        async def delete_one(self, collection: str, filter: Mapping[str, Any], *, session: Any = None, **kwargs) -> Any:
            docs = self.get_collection(collection)
            for index, doc in enumerate(docs):
                if self._matches(doc, filter):
                    del docs[index]
                    return 1
            return 0

        async def aggregate(self, collection: str, pipeline: Iterable[Mapping[str, Any]], *,
                            session: Any = None, **kwargs) -> list[Any]:
            docs = [dict(d) for d in self.get_collection(collection)]
            for stage in pipeline:
                docs = [d for d in docs if self._matches(d, stage.get("$match"))]
            return docs

        async def execute_raw(self, *args, **kwargs) -> Any:
            return {"raw": list(args), **kwargs}
"""


NOSQL_API = """
    from typing import Any

    from pydantic import BaseModel

    from surge import Request, Response, MediaType
    from surge.controller import Controller, path, post, consumes, produces

    from app.extensions import nosqldb


    class TestModel(BaseModel):
        email: str
        fullname: str
        age: int


    class TestModelOut(BaseModel):
        message: str
        status: str


    @path("/api/v1/users")
    class UsersApi(Controller):

        @post("/")
        @consumes(MediaType.APPLICATION_JSON)
        @produces(MediaType.APPLICATION_JSON)
        @nosqldb.managed_database
        async def create_user(self, req: Request, data: TestModel, db: Any, session: Any = None) -> Response[TestModelOut]:
            \"\"\"Consumes and produces json\"\"\"
            #inserts a new document into collection
            await db.insert_one("users", {"email": data.email, "fullname": data.fullname, "age": data.age}, session=session)
            return req.response.json({
                "message": "User added successfully",
                "status": "success"
            }).status(200)

        @post("/twice")
        @consumes(MediaType.APPLICATION_JSON)
        @nosqldb.managed_database
        async def create_then_fail(self, req: Request, data: TestModel, db: Any, session: Any = None) -> Response:
            \"\"\"The second insert fails: the whole transaction is rolled back\"\"\"
            await db.insert_one("users", {"email": data.email}, session=session)
            raise RuntimeError("second insert failed")

        @post("/session")
        @nosqldb.managed_database
        async def show_session(self, req: Request, db: Any, session: Any = None) -> Response:
            return req.response.json({"session": session, "same_db": db is nosqldb})
"""


def nosql_project(project: SeedProject, section: str, prefix: str = "") -> None:
    project.write("backends.py", MEMORY_BACKEND)
    project.write(
        "extensions.py",
        f"""
        from surge.database.nosql import NoSqlDatabase

        nosqldb: NoSqlDatabase = NoSqlDatabase(variable_prefix={prefix!r})
        """,
    )
    project.write("api/users/user_api.py", NOSQL_API)
    project.config(
        f"""
        {prefix}NOSQL_DATABASE: dict[str, Any] = {section}
        EXTENSIONS: list[str] = [
            #other extensions
            'app.extensions:nosqldb',
        ]
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """,
        imports=f"from {project.name}.backends import MemoryBackend\n",
    )


async def test_nosql_custom_backend_managed_database_and_methods(project):
    nosql_project(
        project,
        '{"BACKEND": MemoryBackend, "DATABASE_URI": "memory://local", "DATABASE": "main",'
        ' "DB_INJECT_NAME": "db", "SESSION_NAME": "session"}',
    )
    nosqldb = project.module("extensions").nosqldb
    with pytest.raises(RuntimeError, match="Backend not connected. Was init_app/connect called?"):
        nosqldb.backend  # noqa: B018
    app = project.application()
    events = project.module("backends").EVENTS
    async with TestClient(app) as client:
        assert events == ["connect memory://local"]  # connected at startup
        res = await client.post("/api/v1/users", json={"email": "a@example.com", "fullname": "Ann", "age": 30})
        assert res.status_code == 200 and res.json() == {"message": "User added successfully", "status": "success"}
        res = await client.post("/api/v1/users/twice", json={"email": "b@example.com", "fullname": "B", "age": 1})
        assert res.status_code == 500
        res = await client.post("/api/v1/users/session")
        assert res.json() == {"session": {"session_of": "main"}, "same_db": True}

        # Simple queries/inserts straight on the extension object
        assert [d["email"] for d in await nosqldb.find_many("users")] == ["a@example.com"]  # "b" rolled back
        await nosqldb.insert_many("users", [{"email": "c@example.com", "age": 5}, {"email": "d@example.com", "age": 9}])
        assert (await nosqldb.find_one("users", {"email": "c@example.com"}))["age"] == 5
        assert await nosqldb.update_one("users", {"email": "c@example.com"}, {"$set": {"age": 6}}) == 1
        found = await nosqldb.find_many("users", {}, limit=2, skip=1, sort=[("email", -1)])
        assert [d["email"] for d in found] == ["c@example.com", "a@example.com"]
        assert await nosqldb.delete_one("users", {"email": "d@example.com"}) == 1
        assert [d["age"] for d in await nosqldb.aggregate("users", [{"$match": {"email": "c@example.com"}}])] == [6]
        assert await nosqldb.execute_raw("ping", level=1) == {"raw": ["ping"], "level": 1}
        assert nosqldb.get_collection("users") is nosqldb.database_handle()["users"]
        assert nosqldb.variable_prefix == "" and isinstance(nosqldb.db_name, str)
        assert type(nosqldb.backend).__name__ == "MemoryBackend"
    assert events[-1] == "disconnect"  # disconnected at shutdown


async def test_nosql_variable_prefix_and_sqlite_backend_transactions(project, tmp_path):
    """A prefix names another section; the bundled SQLite backend rolls back a failed handler."""
    nosql_project(
        project,
        f'{{"BACKEND": "surge.database.nosql.backends:SqliteJsonBackend", "DATABASE_URI": "sqlite:///{tmp_path}/docs.db"}}',
        prefix="MY_PREFIX_",
    )
    app = project.application()
    nosqldb = project.module("extensions").nosqldb
    assert nosqldb.variable_prefix == "MY_PREFIX_"
    async with TestClient(app) as client:
        res = await client.post("/api/v1/users", json={"email": "a@example.com", "fullname": "Ann", "age": 30})
        assert res.status_code == 200
        res = await client.post("/api/v1/users/twice", json={"email": "b@example.com", "fullname": "B", "age": 1})
        assert res.status_code == 500
        assert [d["email"] for d in await nosqldb.find_many("users")] == ["a@example.com"]


async def test_nosql_mongodb_backend(project):
    from surge_testkit import port_open

    # MongoDB cannot be installed on these machines, so this is not one of the services CI
    # requires (SURGE_REQUIRE_SERVICES); MongoBackend is otherwise tested on mongomock-motor.
    if not port_open("127.0.0.1", 27017):
        pytest.skip("MongoDB is not reachable on 127.0.0.1:27017 (not installable here)")
    database = f"seed_{uuid.uuid4().hex[:8]}"
    nosql_project(
        project,
        f'{{"BACKEND": MongoBackend, "DATABASE_URI": "mongodb://127.0.0.1:27017", "DATABASE": {database!r}}}',
    )
    configs = project.package / "configs.py"
    configs.write_text("from surge.database.nosql.backends import MongoBackend\n" + configs.read_text())
    app = project.application()
    nosqldb = project.module("extensions").nosqldb
    async with TestClient(app) as client:
        res = await client.post("/api/v1/users", json={"email": "a@example.com", "fullname": "Ann", "age": 30})
        assert res.status_code == 200
        assert (await nosqldb.find_one("users", {"email": "a@example.com"}))["age"] == 30
        await nosqldb.execute_raw("dropDatabase")
