"""Conformance of the extensions with the seed (PyJolt README 000, its later revision 001, Patera 002).

Each test writes the seed's own code (``pyjolt`` -> ``surge``, ``PyJolt`` -> ``Surge``) into a
throw-away ``app`` package under ``tmp_path`` (imports of ``app.`` point at it), builds the
seed's ``Application`` from its ``Config`` and drives it the way a user would: requests through
the test client, ``app.run_cli([...])`` for commands. Everything runs against real parts: SQLite
files in ``tmp_path``, the PostgreSQL and Redis servers on 127.0.0.1 (skipped when absent),
aiosmtpd for e-mail, and a local OpenAI-compatible HTTP server for the AI interface.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import importlib
import json
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from surge.testing import TestClient

from surge_testkit import free_port


# -- the seed project ---------------------------------------------------------------------------
class SeedProject:
    """An importable package written from the seed's snippets; ``app.`` imports point at it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = f"seedapp_{uuid.uuid4().hex[:10]}"
        self.package = root / self.name
        self.package.mkdir()
        (self.package / "__init__.py").write_text("")

    def write(self, relative: str, source: str) -> Path:
        """Write ``source`` (seed code; ``app.`` means this package) to ``relative``."""
        target = self.package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = target.parent
        while folder != self.package:
            init = folder / "__init__.py"
            if not init.exists():
                init.write_text("")
            folder = folder.parent
        text = textwrap.dedent(source).replace("from app.", f"from {self.name}.").replace("'app.", f"'{self.name}.")
        target.write_text(text.replace('"app.', f'"{self.name}.'))
        return target

    def config(self, body: str, imports: str = "") -> None:
        """``app/configs.py`` and ``app/__init__.py`` of the seed's blank start."""
        self.write(
            "configs.py",
            "import os\nfrom typing import Any\nfrom surge import BaseConfig\n"
            + textwrap.dedent(imports)
            + "\n\nclass Config(BaseConfig):\n"
            + '    APP_NAME: str = "Seed app"\n'
            + '    SECRET_KEY: str = "some-super-secret-key-for-the-seed-tests"\n'
            + "    BASE_PATH: str = os.path.dirname(__file__)\n"
            + textwrap.indent(textwrap.dedent(body), "    "),
        )
        (self.package / "__init__.py").write_text(
            f"from {self.name}.configs import Config\n"
            "from surge import Surge, app\n\n\n"
            "@app(__name__, configs=Config)\n"
            "class Application(Surge):\n"
            "    pass\n"
        )

    def module(self, relative: str) -> Any:
        """Import ``relative`` (``"extensions"``) from the package."""
        return importlib.import_module(f"{self.name}.{relative}")

    def application(self) -> Any:
        """A new ``Application()`` (the seed's ``app = Application()``)."""
        return importlib.import_module(self.name).Application()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SeedProject:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return SeedProject(tmp_path)


# == Database connectivity and management: SQL ==================================================
SQL_EXTENSIONS = """
    from surge.database.sql import SqlDatabase
    from surge.database.sql.migrate import Migrate

    db: SqlDatabase = SqlDatabase(db_name="db", configs_name="SQL_DATABASE") #"db" and "SQL_DATABASE" is the default so they can be omitted
    migrate: Migrate = Migrate(db, command_prefix="")
"""

USER_MODEL = """
    from sqlalchemy import Integer, String, ForeignKey
    from sqlalchemy.orm import mapped_column, Mapped, relationship

    from surge.database import create_declerative_base

    Base = create_declerative_base("db") #passed argument must be the same as the database name you wish to
                                        #use the model with. Default is "db" so it can be omitted.

    class User(Base):
        \"\"\"
        User model
        \"\"\"
        __tablename__: str = "users{suffix}"

        id: Mapped[int] = mapped_column(primary_key=True)
        fullname: Mapped[str] = mapped_column(String(30))
        email: Mapped[str] = mapped_column(String(50), unique=True)
        roles: Mapped[list["Role"]] = relationship(back_populates="user", lazy="selectin")


    class Role(Base):
        \"\"\"The Role model the seed's role_check assumes (one-to-many, "not shown").\"\"\"
        __tablename__: str = "roles{suffix}"

        id: Mapped[int] = mapped_column(primary_key=True)
        role: Mapped[str] = mapped_column(String(20))
        user_id: Mapped[int] = mapped_column(ForeignKey("users{suffix}.id"))
        user: Mapped[User] = relationship(back_populates="roles")
"""

USERS_API = """
    from typing import Optional

    from pydantic import BaseModel

    from surge import Request, Response, HttpStatus, MediaType
    from surge.controller import Controller, path, get, post, consumes, produces
    from surge.database import AsyncSession

    from app.extensions import db
    from app.api.models.user_model import User


    class UserData(BaseModel):
        id: Optional[int] = None
        fullname: str
        email: Optional[str] = None


    @path("/api/v1/users")
    class UsersApi(Controller):

        @post("/")
        @consumes(MediaType.APPLICATION_JSON)
        @produces(MediaType.APPLICATION_JSON)
        @db.managed_session
        async def create_user(self, req: Request, user_data: UserData, session: AsyncSession) -> Response[UserData]:
            \"\"\"Creates new user\"\"\"
            user: User = User(fullname=user_data.fullname, email=user_data.email)
            session.add(user)
            await session.flush() #to get the new users id.
            return req.response.json(UserData(id=user.id, fullname=user.fullname)).status(HttpStatus.OK)

        @get("/<int:user_id>")
        @consumes(MediaType.APPLICATION_JSON)
        @produces(MediaType.APPLICATION_JSON)
        @db.readonly_session
        async def get_user(self, req: Request, user_id: int, session: AsyncSession) -> Response[UserData]:
            \"\"\"Returns a user by user_id\"\"\"
            user: User = await User.query(session).filter_by(id=user_id).first()
            return req.response.json(UserData(id=user_id, fullname=user.fullname)).status(HttpStatus.OK)

        @post("/readonly")
        @consumes(MediaType.APPLICATION_JSON)
        @db.readonly_session
        async def sneaky_write(self, req: Request, user_data: UserData, session: AsyncSession) -> Response:
            \"\"\"A write in a read-only session is never committed\"\"\"
            session.add(User(fullname=user_data.fullname, email=user_data.email))
            await session.flush()
            return req.response.json({"flushed": True}).status(HttpStatus.OK)

        @post("/fail")
        @consumes(MediaType.APPLICATION_JSON)
        @db.managed_session
        async def failing_create(self, req: Request, user_data: UserData, session: AsyncSession) -> Response:
            \"\"\"Raises after the insert: the managed session rolls back\"\"\"
            session.add(User(fullname=user_data.fullname, email=user_data.email))
            await session.flush()
            raise RuntimeError("boom after the insert")
"""


def sql_project(project: SeedProject, uri: str, suffix: str = "", **section: Any) -> None:
    project.write("extensions.py", SQL_EXTENSIONS)
    project.write("api/models/user_model.py", USER_MODEL.replace("{suffix}", suffix))
    project.write("api/users/user_api.py", USERS_API)
    keys = {"DATABASE_URI": uri, "SESSION_NAME": "session", "SHOW_SQL": False, **section}
    project.config(
        f"""
        SQL_DATABASE: dict[str, Any] = {keys!r}
        EXTENSIONS: list[str] = ['app.extensions:db', 'app.extensions:migrate']
        MODELS: list[str] = ['app.api.models.user_model:User', 'app.api.models.user_model:Role']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("postgres_url"))


async def test_sql_seed_endpoints_with_managed_and_readonly_sessions(project, database_uri):
    suffix = f"_{uuid.uuid4().hex[:8]}"
    sql_project(project, database_uri, suffix)
    app = project.application()
    db = project.module("extensions").db
    assert (db.db_name, db.configs_name, db.session_name) == ("db", "SQL_DATABASE", "session")
    async with TestClient(app) as client:
        await db.create_all()
        try:
            res = await client.post("/api/v1/users", json={"fullname": "Ann", "email": "ann@example.com"})
            assert res.status_code == 200, res.text
            created = res.json()
            assert created["fullname"] == "Ann" and isinstance(created["id"], int)  # flush() gave the id

            res = await client.get(f"/api/v1/users/{created['id']}")  # @consumes on a GET without a body
            assert res.status_code == 200, res.text
            assert res.json()["fullname"] == "Ann"

            res = await client.post("/api/v1/users/readonly", json={"fullname": "Ghost", "email": "g@example.com"})
            assert res.status_code == 200 and res.json() == {"flushed": True}
            res = await client.post("/api/v1/users/fail", json={"fullname": "Boom", "email": "b@example.com"})
            assert res.status_code == 500

            User = project.module("api.models.user_model").User
            session = db.create_session()  # the seed's manual session (closed by hand)
            names = [user.fullname for user in await User.query(session).all()]
            await session.close()
            assert names == ["Ann"]  # the read-only write and the failed insert were rolled back
        finally:
            await db.drop_all()


async def test_sql_querying_and_pagination_as_documented(project, tmp_path):
    sql_project(project, f"sqlite+aiosqlite:///{tmp_path / 'query.db'}")
    app = project.application()
    db = project.module("extensions").db
    models = project.module("api.models.user_model")
    User, Role = models.User, models.Role
    async with TestClient(app):
        await db.create_all()
        async with db.create_session() as session:
            for number in range(1, 26):
                user = User(fullname=f"User {number:02d}", email=f"user{number}@Example.com")
                if number % 5 == 0:
                    user.roles.append(Role(role="admin"))
                session.add(user)
            await session.commit()

        async with db.create_session() as session:
            user = await User.query(session).filter_by(id=3).first()
            assert user.fullname == "User 03"
            users = await User.query(session).all()
            assert len(users) == 25
            assert await User.query(session).where(User.id > 20).count() == 5
            assert await User.query(session).filter(User.id > 20, User.id < 23).count() == 2
            joined = await User.query(session).join(Role).filter(Role.role == "admin").order_by(User.id).all()
            assert [u.id for u in joined] == [5, 10, 15, 20, 25]
            page = await User.query(session).order_by(User.id.desc()).limit(3).offset(2).all()
            assert [u.id for u in page] == [23, 22, 21]
            assert await User.query(session).like(User.fullname, "User 1%").count() == 10
            assert await User.query(session).ilike(User.email, "USER2%@example.COM").count() == 7
            assert (await User.query(session).filter_by(email="user7@Example.com").one()).id == 7
            assert await User.query(session).filter_by(id=999).first() is None

            result = await User.query(session).order_by(User.id).paginate(page=2, per_page=10)
            assert set(result) == {"items", "total", "page", "pages", "per_page", "has_next", "has_prev"}
            assert [u.id for u in result["items"]] == list(range(11, 21))
            assert (result["total"], result["page"], result["pages"], result["per_page"]) == (25, 2, 3, 10)
            assert result["has_next"] is True and result["has_prev"] is True
            defaults = await User.query(session).paginate()
            assert (defaults["page"], defaults["per_page"], defaults["has_prev"]) == (1, 10, False)
            last = await User.query(session).paginate(page=3, per_page=10)
            assert len(last["items"]) == 5 and last["has_next"] is False


async def test_sql_show_sql_logs_every_statement(project, tmp_path, caplog):
    sql_project(project, f"sqlite+aiosqlite:///{tmp_path / 'echo.db'}", SHOW_SQL=True)
    app = project.application()
    db = project.module("extensions").db
    User = project.module("api.models.user_model").User
    async with TestClient(app):
        await db.create_all()
        caplog.clear()
        async with db.create_session() as session:
            await User.query(session).filter_by(id=1).first()
    assert db.engine.echo is True
    assert any("SELECT" in record.getMessage() and record.name.startswith("sqlalchemy.engine") for record in caplog.records)


async def test_sql_database_session_name_and_custom_configs_name(project, tmp_path):
    """001: configs_name picks the section; SESSION_NAME renames the injected session."""
    project.write(
        "extensions.py",
        """
        from surge.database.sql import SqlDatabase
        from surge.database.sql.migrate import Migrate

        db: SqlDatabase = SqlDatabase(configs_name="MY_DATABASE") #default configs_name="SQL_DATABASE"
        migrate: Migrate = Migrate(db, command_prefix="")
        """,
    )
    project.write("api/models/user_model.py", USER_MODEL.replace("{suffix}", ""))
    project.write(
        "api/users/user_api.py",
        """
        from surge import Request, Response
        from surge.controller import Controller, path, get
        from app.extensions import db
        from app.api.models.user_model import User

        @path("/users")
        class UsersApi(Controller):
            @get("/count")
            @db.managed_session
            async def count(self, req: Request, main_session) -> Response:
                return req.response.json({"count": await User.query(main_session).count()})
        """,
    )
    uri = f"sqlite+aiosqlite:///{tmp_path / 'my.db'}"
    project.config(
        f"""
        MY_DATABASE: dict[str, Any] = {{
            "DATABASE_URI": {uri!r},
            "SESSION_NAME": "main_session",
            "ALEMBIC_MIGRATION_DIR": "my_migrations",
            "ALEMBIC_DATABASE_URI_SYNC": "sqlite:///{tmp_path / 'my.db'}",
        }}
        EXTENSIONS: list[str] = ['app.extensions:db', 'app.extensions:migrate']
        MODELS: list[str] = ['app.api.models.user_model:User', 'app.api.models.user_model:Role']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """
    )
    app = project.application()
    extensions = project.module("extensions")
    assert extensions.migrate.directory == str(project.package / "my_migrations")
    async with TestClient(app) as client:
        await extensions.db.create_all()
        res = await client.get("/users/count")
        assert res.status_code == 200 and res.json() == {"count": 0}


def run_cli(app: Any, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = app.run_cli(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    return out.out


def test_migrate_commands_of_the_seed(project, tmp_path, capsys):
    sql_project(project, f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    app = project.application()

    run_cli(app, capsys, "db-init")
    assert (project.package / "migrations" / "env.py").is_file()  # ALEMBIC_MIGRATION_DIR default
    run_cli(app, capsys, "db-migrate", "--message", "Your migration message")
    versions = list((project.package / "migrations" / "versions").glob("*.py"))
    assert len(versions) == 1 and "Your migration message" in versions[0].read_text()
    revision = versions[0].name.split("_")[0]
    run_cli(app, capsys, "db-upgrade")
    import sqlite3

    with sqlite3.connect(tmp_path / "test.db") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "roles", "alembic_version"} <= tables

    assert revision in run_cli(app, capsys, "db-current", "--verbose")
    assert revision in run_cli(app, capsys, "db-heads", "--verbose")
    assert "(current)" in run_cli(app, capsys, "db-history", "--verbose", "--indicate-current")
    assert "Your migration message" in run_cli(app, capsys, "db-show", "--revision", revision)
    run_cli(app, capsys, "db-downgrade", "--revision", "base")
    assert revision not in run_cli(app, capsys, "db-current")
    run_cli(app, capsys, "db-stamp", "--revision", revision)
    assert revision in run_cli(app, capsys, "db-current")


def test_migrate_command_prefix_and_sync_uri(project, tmp_path, capsys):
    sql_project(
        project,
        f"sqlite+aiosqlite:///{tmp_path / 'second.db'}",
        ALEMBIC_MIGRATION_DIR="second_migrations",
        ALEMBIC_DATABASE_URI_SYNC=f"sqlite:///{tmp_path / 'second.db'}",
    )
    project.write(
        "extensions.py",
        """
        from surge.database.sql import SqlDatabase
        from surge.database.sql.migrate import Migrate

        db: SqlDatabase = SqlDatabase()
        migrate: Migrate = Migrate(db, command_prefix="second-")
        """,
    )
    app = project.application()
    run_cli(app, capsys, "second-db-init")
    run_cli(app, capsys, "second-db-migrate", "--message", "first")
    run_cli(app, capsys, "second-db-upgrade")
    assert "(head)" in run_cli(app, capsys, "second-db-current")
    with pytest.raises(SystemExit):
        app.run_cli(["db-init"])  # only the prefixed names exist
    capsys.readouterr()


def test_cli_script_of_the_seed_runs_migrations(project, tmp_path):
    """``uv run cli.py db-init`` with the seed's cli.py next to run.py."""
    sql_project(project, f"sqlite+aiosqlite:///{tmp_path / 'script.db'}")
    (tmp_path / "cli.py").write_text(
        textwrap.dedent(
            f"""
            \"\"\"CLI utility script\"\"\"

            if __name__ == "__main__":
                from {project.name} import Application
                app = Application()
                app.run_cli()
            """
        )
    )
    for argv in (["db-init"], ["db-migrate", "--message", "init"], ["db-upgrade"]):
        result = subprocess.run(
            [sys.executable, "cli.py", *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "script.db") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)


# == NoSQL ========================================================================================
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


# == User Authentication =========================================================================
AUTHENTICATION = """
    from enum import StrEnum
    from typing import Optional
    from surge import Request
    from surge.auth import Authentication

    from app.extensions import db
    from app.api.models.user_model import User

    class UserRoles(StrEnum):
        ADMIN = "admin"
        SUPERUSER = "superuser"
        USER = "user"

    class Auth(Authentication):

        async def user_loader(self, req: Request) -> Optional[User]:
            \"\"\"Loads user from the provided cookie\"\"\"
            cookie_header = req.headers.get("cookie", "")
            if cookie_header:
                # Split the cookie string on semicolons and equals signs to extract individual cookies
                cookies = dict(cookie.strip().split('=', 1) for cookie in cookie_header.split(';'))
                auth_cookie = cookies.get("auth_cookie")
                if auth_cookie:
                    user_id = self.decode_signed_cookie(auth_cookie)
                    if user_id:
                        session = db.create_session()
                        user = await User.query(session).filter_by(id=user_id).first()
                        await session.close()
                        return user
            return None

        async def role_check(self, user: User, roles: list[UserRoles]) -> bool:
            \"\"\"Checks intersection of user roles and required roles\"\"\"
            user_roles = set([role.role for role in user.roles])
            return len(user_roles.intersection(set(roles))) > 0

    auth: Auth = Auth()
"""

AUTH_API = """
    from typing import Optional

    from pydantic import BaseModel

    from surge import Request, Response, HttpStatus, MediaType
    from surge.auth import login_required, role_required
    from surge.controller import Controller, path, get, produces, before_request

    from app.extensions import db
    from app.authentication import auth, UserRoles
    from app.api.models.user_model import User


    class UserData(BaseModel):
        id: int
        fullname: str
        email: Optional[str] = None


    @path("/api/v1/users")
    class UsersApi(Controller):

        @get("/<int:user_id>")
        @produces(MediaType.APPLICATION_JSON)
        @auth.login_required
        @auth.role_required(UserRoles.ADMIN, UserRoles.SUPERUSER)
        async def get_user(self, req: Request, user_id: int) -> Response[UserData]:
            \"\"\"Returns a user by user_id\"\"\"
            session = db.create_session()
            user: User = await User.query(session).filter_by(id=user_id).first()
            await session.close()

            return req.response.json(UserData(id=user_id, fullname=user.fullname, email=user.email)).status(HttpStatus.OK)

        @get("/me")
        @auth.login_required
        async def me(self, req: Request) -> Response:
            \"\"\"The logged-in user (req.user)\"\"\"
            return req.response.json({"fullname": req.user.fullname})


    @path("/api/v1/admin", tags=["Users"])
    @login_required
    @role_required(UserRoles.ADMIN)
    class AdminApi(Controller):
        \"\"\"All endpoints are protected\"\"\"

        @before_request
        async def before_request_method(self, req: Request):
            req.state.user_seen_in_before_request = req.user.fullname

        @get("/dashboard")
        async def dashboard(self, req: Request) -> Response:
            return req.response.json({"before": req.state.user_seen_in_before_request})
"""

AUTH_EXCEPTION_HANDLER = """
    from surge import Request, Response
    from surge.auth import AuthenticationException, UnauthorizedException
    from surge.exceptions import ExceptionHandler, handles

    class CustomExceptionHandler(ExceptionHandler):
        @handles(AuthenticationException)
        async def not_logged_in(self, req: Request, exc: AuthenticationException) -> Response:
            return req.response.json({"handled": "login", "message": exc.message}).status(exc.status_code)

        @handles(UnauthorizedException)
        async def missing_roles(self, req: Request, exc: UnauthorizedException) -> Response:
            return req.response.json({"handled": "roles", "message": exc.message}).status(exc.status_code)
"""


def auth_project(project: SeedProject, uri: str, handler: bool = False, section: str = "") -> None:
    sql_project(project, uri)
    project.write("authentication.py", AUTHENTICATION)
    project.write("api/users/user_api.py", AUTH_API)
    project.write("api/exceptions/exception_handler.py", AUTH_EXCEPTION_HANDLER)
    handlers = "['app.api.exceptions.exception_handler:CustomExceptionHandler']" if handler else "[]"
    project.config(
        f"""
        SQL_DATABASE: dict[str, Any] = {{"DATABASE_URI": {uri!r}}}
        {section}
        EXTENSIONS: list[str] = [
            'app.extensions:db',
            'app.extensions:migrate',
            'app.authentication:auth'
        ]
        MODELS: list[str] = ['app.api.models.user_model:User', 'app.api.models.user_model:Role']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi', 'app.api.users.user_api:AdminApi']
        EXCEPTION_HANDLERS: list[str] = {handlers}
        DEBUG: bool = False
        """
    )


async def seed_users(project: SeedProject) -> None:
    db = project.module("extensions").db
    models = project.module("api.models.user_model")
    await db.create_all()
    async with db.create_session() as session:
        admin = models.User(fullname="Ann Admin", email="ann@example.com")
        admin.roles.append(models.Role(role="admin"))
        plain = models.User(fullname="Bob User", email="bob@example.com")
        plain.roles.append(models.Role(role="user"))
        session.add_all([admin, plain])
        await session.commit()


async def test_auth_seed_user_loader_role_check_and_decorators(project, tmp_path):
    auth_project(project, f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    app = project.application()
    auth = project.module("authentication").auth
    async with TestClient(app) as client:
        await seed_users(project)
        admin_cookie = {"cookie": f"theme=dark; auth_cookie={auth.create_signed_cookie_value(1)}"}
        user_cookie = {"cookie": f"auth_cookie={auth.create_signed_cookie_value(2)}"}

        res = await client.get("/api/v1/users/2")
        assert res.status_code == 401 and res.json()["message"] == "Login required"
        res = await client.get("/api/v1/users/2", headers={"cookie": "auth_cookie=forged.value"})
        assert res.status_code == 401
        res = await client.get("/api/v1/users/1", headers=user_cookie)
        assert res.status_code == 403 and res.json()["message"] == "Missing user role(s)"
        res = await client.get("/api/v1/users/2", headers=admin_cookie)
        assert res.status_code == 200
        assert res.json() == {"id": 2, "fullname": "Bob User", "email": "bob@example.com"}
        res = await client.get("/api/v1/users/me", headers=user_cookie)
        assert res.json() == {"fullname": "Bob User"}  # login_required attaches req.user

        # the controller-class update: guards run before @before_request, top to bottom
        assert (await client.get("/api/v1/admin/dashboard")).status_code == 401
        assert (await client.get("/api/v1/admin/dashboard", headers=user_cookie)).status_code == 403
        res = await client.get("/api/v1/admin/dashboard", headers=admin_cookie)
        assert res.status_code == 200 and res.json() == {"before": "Ann Admin"}


async def test_auth_messages_config_and_exception_handler(project, tmp_path):
    auth_project(
        project,
        f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}",
        handler=True,
        section='AUTHENTICATION: dict[str, Any] = {"AUTHENTICATION_ERROR_MESSAGE": "Please log in",'
        ' "UNAUTHORIZED_ERROR_MESSAGE": "Admins only"}',
    )
    app = project.application()
    auth = project.module("authentication").auth
    async with TestClient(app) as client:
        await seed_users(project)
        res = await client.get("/api/v1/users/1")
        assert res.status_code == 401 and res.json() == {"handled": "login", "message": "Please log in"}
        res = await client.get("/api/v1/users/1", headers={"cookie": f"auth_cookie={auth.create_signed_cookie_value(2)}"})
        assert res.status_code == 403 and res.json() == {"handled": "roles", "message": "Admins only"}


async def test_auth_helper_methods(project, tmp_path):
    auth_project(project, f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    project.application()
    auth = project.module("authentication").auth
    signed = auth.create_signed_cookie_value("42")
    assert signed != "42" and auth.decode_signed_cookie(signed) == "42"
    assert auth.decode_signed_cookie(signed[:-2] + "xx") is None
    hashed = auth.create_password_hash("correct horse")
    assert hashed != "correct horse"
    assert auth.check_password_hash("correct horse", hashed) is True
    assert auth.check_password_hash("wrong", hashed) is False
    token = auth.create_jwt_token({"sub": "1", "role": "admin"})
    claims = auth.validate_jwt_token(token)
    assert claims["sub"] == "1" and claims["role"] == "admin"
    assert claims["exp"] - claims["iat"] == 3600  # expires_in default
    assert auth.validate_jwt_token(token + "x") is None
    short = auth.create_jwt_token({"sub": "1"}, expires_in=1)
    short_claims = auth.validate_jwt_token(short)
    assert short_claims["exp"] - short_claims["iat"] == 1


# == Task scheduling =============================================================================
SCHEDULER = """
    import asyncio

    from surge.task_manager import TaskManager, schedule_job

    RUNS: list[str] = []
    SENT: list[tuple] = []

    class Scheduler(TaskManager):

        @schedule_job("interval", minutes=1, id="my_job")
        async def some_task(self):
            print("Performing task")

        @schedule_job("interval", seconds=0.05, id="fast_job")
        async def fast_task(self):
            RUNS.append(self.app.app_name)

    async def send_email(to: str, subject: str = "") -> None:
        await asyncio.sleep(0.2)
        SENT.append((to, subject))

    def add_one() -> None:
        RUNS.append("added")

    scheduler: Scheduler = Scheduler()
"""

SCHEDULER_API = """
    from surge import Request, Response, MediaType
    from surge.controller import Controller, path, post, produces

    from app.scheduler import scheduler, send_email

    @path("/api/v1/users")
    class UsersApi(Controller):
        @post("/")
        @produces(MediaType.APPLICATION_JSON)
        async def create_user(self, req: Request) -> Response:
            scheduler.run_background_task(send_email, "ann@example.com", subject="Welcome")
            return req.response.json({"created": True})
"""


async def wait_for(predicate: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_task_manager_seed_scheduler(project):
    project.write("scheduler.py", SCHEDULER)
    project.write("api/users/user_api.py", SCHEDULER_API)
    project.config(
        """
        TASK_MANAGER: dict[str, Any] = {
            "JOB_STORES": {
                "default": MemoryJobStore()
            },
            "EXECUTORS": {
                "default": AsyncIOExecutor()
            },
            "JOB_DEFAULTS": {
                "coalesce": False,
                "max_instances": 3
            },
            "DAEMON": True,
            "SCHEDULER": AsyncIOScheduler
        }
        EXTENSIONS: list[str] = ['app.scheduler:scheduler']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """,
        imports="""
        from apscheduler.executors.asyncio import AsyncIOExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        """,
    )
    app = project.application()
    module = project.module("scheduler")
    scheduler = module.scheduler
    async with TestClient(app) as client:
        job = scheduler.get_job("my_job")
        assert job is not None and "interval[0:01:00]" in str(job.trigger)
        await wait_for(lambda: len(module.RUNS) >= 2)  # @schedule_job methods run on their own
        assert module.RUNS[0] == "Seed app"

        started = time.monotonic()
        res = await client.post("/api/v1/users")
        assert res.status_code == 200 and time.monotonic() - started < 0.2  # fire & forget
        assert module.SENT == []
        await wait_for(lambda: module.SENT == [("ann@example.com", "Welcome")])

        scheduler.pause_job("fast_job")
        assert scheduler.get_job("fast_job").next_run_time is None
        scheduler.resume_job(scheduler.get_job("fast_job"))
        assert scheduler.get_job("fast_job").next_run_time is not None
        scheduler.remove_job("fast_job")
        assert scheduler.get_job("fast_job") is None

        added = scheduler.add_job(module.add_one, "interval", seconds=0.05, id="added")
        await wait_for(lambda: "added" in module.RUNS)
        scheduler.remove_job(added, job_store=None)
        assert scheduler.get_job("added") is None


# == Caching =====================================================================================
CACHE_API = """
    from typing import Optional

    from pydantic import BaseModel

    from surge import Request, Response, HttpStatus, MediaType
    from surge.controller import Controller, path, get, produces

    from app.extensions import cache

    CALLS: list[int] = []

    class UserData(BaseModel):
        id: int
        fullname: str
        email: Optional[str] = None

    @path("/api/v1/users")
    class UsersApi(Controller):

        @get("/<int:user_id>")
        @produces(MediaType.APPLICATION_JSON)
        @cache.cache(duration=300)#default is 300 so this is not needed
        async def get_user(self, req: Request, user_id: int) -> Response[UserData]:
            \"\"\"Returns a user by user_id\"\"\"
            CALLS.append(user_id)
            return req.response.json(UserData(id=user_id, fullname=f"User {user_id} v{len(CALLS)}", email=None)).status(HttpStatus.OK)

        @get("/short/<int:user_id>")
        @cache.cache(duration=1)
        async def short(self, req: Request, user_id: int) -> Response:
            CALLS.append(user_id)
            return req.response.json({"call": len(CALLS)})

        @get("/manual")
        async def manual(self, req: Request) -> Response:
            await cache.set("manual-key", req.response.json({"stored": True}).status(HttpStatus.OK), 60)
            stored = await cache.get("manual-key")
            await cache.delete("manual-key")
            deleted = await cache.get("manual-key")
            return req.response.json({"stored": stored is not None, "status": stored and stored.get("status_code"),
                                      "deleted": deleted is None})
"""

CUSTOM_CACHE_BACKEND = """
    from typing import Optional

    from surge.caching import BaseCacheBackend

    STORE: dict[str, dict] = {}
    EVENTS: list[str] = []

    class DictCacheBackend(BaseCacheBackend):
        \"\"\"A custom backend implementing the seed's abstract class.\"\"\"

        @classmethod
        def configure_from_app(cls, app, variable_prefix: str) -> "BaseCacheBackend":
            EVENTS.append(f"configured from {variable_prefix}")
            return cls()

        async def connect(self) -> None:
            EVENTS.append("connect")

        async def disconnect(self) -> None:
            EVENTS.append("disconnect")

        async def get(self, key: str) -> Optional[dict]:
            return STORE.get(key)

        async def set(self, key: str, value: dict, duration: Optional[int] = None) -> None:
            STORE[key] = value

        async def delete(self, key: str) -> None:
            STORE.pop(key, None)

        async def clear(self) -> None:
            STORE.clear()
"""


def cache_project(project: SeedProject, section: str, constructor: str = "Cache()", imports: str = "") -> None:
    project.write(
        "extensions.py",
        f"""
        from surge.caching import Cache

        #other extensions
        cache: Cache = {constructor} #can also add a variable prefix to specify a configs namespace
        """,
    )
    project.write("cache_backends.py", CUSTOM_CACHE_BACKEND)
    project.write("api/users/user_api.py", CACHE_API)
    project.config(
        f"""
        {section}
        EXTENSIONS: list[str] = ['app.extensions:cache']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """,
        imports=imports,
    )


async def exercise_cached_endpoint(project: SeedProject, client: Any) -> None:
    calls = project.module("api.users.user_api").CALLS
    first = await client.get("/api/v1/users/1")
    again = await client.get("/api/v1/users/1")
    other = await client.get("/api/v1/users/2")
    assert first.status_code == again.status_code == other.status_code == 200
    assert first.json() == again.json() == {"id": 1, "fullname": "User 1 v1", "email": None}
    assert other.json()["fullname"] == "User 2 v2"  # route parameters are part of the key
    assert first.headers["content-type"].startswith("application/json")
    assert again.headers["content-type"] == first.headers["content-type"]
    assert calls == [1, 2]
    cache = project.module("extensions").cache
    await cache.clear()
    assert (await client.get("/api/v1/users/1")).json()["fullname"] == "User 1 v3"
    assert (await client.get("/api/v1/users/manual")).json() == {"stored": True, "status": 200, "deleted": True}


async def test_cache_in_memory_by_default(project):
    cache_project(project, "")
    app = project.application()
    async with TestClient(app) as client:
        await exercise_cached_endpoint(project, client)
        assert project.module("extensions").cache.duration == 300  # DURATION default
        calls = project.module("api.users.user_api").CALLS
        before = len(calls)
        await client.get("/api/v1/users/short/7")
        await client.get("/api/v1/users/short/7")
        assert len(calls) == before + 1
        await asyncio.sleep(1.2)  # duration=1 has passed
        await client.get("/api/v1/users/short/7")
        assert len(calls) == before + 2


async def test_cache_sqlite_backend_configuration(project, tmp_path):
    path = tmp_path / "cache" / "pyjolt_cache.db"
    cache_project(
        project,
        f"""
        CACHE: dict[str, Any] = {{
            "BACKEND": SqliteCacheBackend,
            "DURATION": 120,
            "KEY_PREFIX": "seedapp:",
            "SQLITE_PATH": {str(path)!r},
            "SQLITE_TABLE": "my_cache_entries",
            "SQLITE_WAL_CHECKPOINT_MODE": "TRUNCATE",
            "SQLITE_WAL_CHECKPOINT_EVERY": 2,
        }}
        """,
        imports="from surge.caching import SqliteCacheBackend\n",
    )
    app = project.application()
    async with TestClient(app) as client:
        await exercise_cached_endpoint(project, client)
    import sqlite3

    with sqlite3.connect(path) as conn:
        keys = [row[0] for row in conn.execute("SELECT * FROM my_cache_entries")]
    assert keys and all(str(key).startswith("seedapp:") for key in keys)


async def test_cache_redis_backend_configuration(project, redis_url):
    prefix = f"seed-{uuid.uuid4().hex[:8]}:"
    cache_project(
        project,
        f"""
        CACHE: dict[str, Any] = {{
            "BACKEND": RedisCacheBackend,
            "REDIS_URL": {redis_url!r},
            "REDIS_PASSWORD": None,
            "DURATION": 300,
            "KEY_PREFIX": {prefix!r},
        }}
        """,
        imports="from surge.caching import RedisCacheBackend\n",
    )
    app = project.application()
    import redis.asyncio as aioredis

    client_redis = aioredis.from_url(redis_url)
    try:
        async with TestClient(app) as client:
            await exercise_cached_endpoint(project, client)
            keys = [key async for key in client_redis.scan_iter(match=f"{prefix}*")]
            assert keys
            ttl = await client_redis.ttl(keys[0])
            assert 0 < ttl <= 300
            await project.module("extensions").cache.clear()
            assert [key async for key in client_redis.scan_iter(match=f"{prefix}*")] == []
    finally:
        await client_redis.aclose()


async def test_cache_custom_backend_and_variable_prefix(project):
    cache_project(
        project,
        'MY_CACHE_CACHE: dict[str, Any] = {"BACKEND": DictCacheBackend, "DURATION": 60}',
        constructor='Cache(variable_prefix="MY_CACHE_")',
        imports="",
    )
    configs = project.package / "configs.py"
    configs.write_text(f"from {project.name}.cache_backends import DictCacheBackend\n" + configs.read_text())
    app = project.application()
    backend = project.module("cache_backends")
    cache = project.module("extensions").cache
    assert cache.variable_prefix == "MY_CACHE_" and cache.duration == 60
    async with TestClient(app) as client:
        assert backend.EVENTS == ["configured from MY_CACHE_CACHE", "connect"]
        await exercise_cached_endpoint(project, client)
        assert len(backend.STORE) == 1  # /1 again after clear()
        stored = next(iter(backend.STORE.values()))
        assert isinstance(stored, dict) and stored["status_code"] == 200
    assert backend.EVENTS[-1] == "disconnect"


# == Email client ================================================================================
class Inbox:
    """aiosmtpd handler keeping every envelope."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.logins: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def message(self, index: int = -1) -> Any:
        content = self.envelopes[index].content.replace(b"\r\n", b"\n")
        return email.message_from_bytes(content, policy=email.policy.default)


@pytest.fixture
def smtp_inbox():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"mailer", b"s3cret")
        if ok:
            inbox.logins.append(auth_data.login)
        return AuthResult(success=ok, handled=False)

    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    inbox.port = controller.port  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


async def test_email_client_of_the_seed(project, smtp_inbox):
    project.write(
        "extensions.py",
        """
        from surge.email import EmailClient

        email_client: EmailClient = EmailClient(configs_name = "EMAIL_CLIENT") #configs_name="EMAIL_CLIENT" is the default and can be omitted
        """,
    )
    project.write("templates/emails/welcome.html", "<h1>Welcome, {{ name }}!</h1><p>Enjoy &amp; have fun.</p>")
    project.write(
        "api/mail_api.py",
        """
        from surge import Request, Response
        from surge.controller import Controller, path, post
        from app.extensions import email_client

        @path("/api/v1/mail")
        class MailApi(Controller):
            @post("/")
            async def send(self, req: Request) -> Response:
                #inside endpoint method:
                await email_client.send_email("ann@example.com", "Plain subject", "Plain body",
                                              attachments={"report.txt": b"report data"})
                await email_client.send_email_with_template(["bob@example.com", "carol@example.com"], "Welcome",
                                                            "emails/welcome.html", context={"name": "Bob"})
                return req.response.json({"sent": 2})
        """,
    )
    project.config(
        f"""
        EMAIL_CLIENT: dict[str, str|int|bool] = {{
            "SENDER_NAME_OR_ADDRESS": "Seed Team <team@example.com>",
            "SMTP_SERVER": "127.0.0.1",
            "SMTP_PORT": {smtp_inbox.port},
            "USERNAME": "mailer",
            "PASSWORD": "s3cret",
            "USE_TLS": False,
        }}
        EXTENSIONS: list[str] = ['app.extensions:email_client']
        CONTROLLERS: list[str] = ['app.api.mail_api:MailApi']
        DEBUG: bool = False
        """
    )
    app = project.application()
    async with TestClient(app) as client:
        res = await client.post("/api/v1/mail")
        assert res.status_code == 200 and res.json() == {"sent": 2}
    assert smtp_inbox.logins == [b"mailer", b"mailer"]  # USERNAME / PASSWORD were used
    plain, templated = smtp_inbox.message(0), smtp_inbox.message(1)
    assert plain["From"] == "Seed Team <team@example.com>" and plain["To"] == "ann@example.com"
    assert plain["Subject"] == "Plain subject"
    assert plain.get_body(("plain",)).get_content().strip() == "Plain body"
    assert {part.get_filename(): part.get_content() for part in plain.iter_attachments()} == {
        "report.txt": "report data"
    }
    assert smtp_inbox.envelopes[1].rcpt_tos == ["bob@example.com", "carol@example.com"]
    assert "<h1>Welcome, Bob!</h1>" in templated.get_body(("html",)).get_content()


def test_email_client_use_tls_defaults_to_true(project):
    project.write("extensions.py", "from surge.email import EmailClient\nemail_client = EmailClient()\n")
    project.config(
        """
        EMAIL_CLIENT: dict[str, Any] = {"SENDER_NAME_OR_ADDRESS": "team@example.com", "SMTP_SERVER": "smtp.example.com",
                                        "SMTP_PORT": 587, "USERNAME": "team@example.com", "PASSWORD": "x"}
        EXTENSIONS: list[str] = ['app.extensions:email_client']
        """
    )
    project.application()
    settings = project.module("extensions").email_client.settings
    assert settings.start_tls is True and settings.implicit_tls is False


# == Logging =====================================================================================
FILE_LOGGER = """
    from surge.logging import LoggerBase

    class FileLogger(LoggerBase):
        \"\"\"Example file logger\"\"\"

        def get_format(self) -> str:
            \"\"\"Should return a valid format string for the logger output\"\"\"
            return self.get_conf_value(
                "FORMAT",
                "<green>{time:YYYY-MM-DD HH:mm:ss.SSS}</green> | "
                "<level>{level: <8}</level> | {extra[logger_name]} | "
                "{name}:{function}:{line} - <cyan>{message}</cyan>",
            )

        def get_filter(self):
            def _filter(record: dict[str, any]) -> bool:
                # Only log messages where the message includes the string "PERFORMANCE"
                # Message from a performance logger for bottleneck detection.
                return "PERFORMANCE" in record["message"]

            return _filter


    class ConsoleLogger(LoggerBase):
        \"\"\"A console sink on STDOUT\"\"\"
"""

LOGGING_API = """
    from surge import Request, Response
    from surge.controller import Controller, path, get

    @path("/log")
    class LogApi(Controller):
        @get("/")
        async def log(self, req: Request) -> Response:
            self.app.logger.debug("a debug line")
            self.app.logger.warning("PERFORMANCE slow query 120 ms")
            self.app.logger.info("an info line")
            return req.response.json({"logged": True})
"""


async def test_logging_default_logger_and_custom_sinks(project, tmp_path, capsys):
    log_file = tmp_path / "logging" / "file.log"
    project.write("logging/file_logger.py", FILE_LOGGER)
    project.write("api/log_api.py", LOGGING_API)
    project.config(
        f"""
        DEFAULT_LOGGER: dict[str, Any] = {{
            "LEVEL": LogLevel.WARNING,
            "FORMAT": "DEFAULT | {{level}} | {{extra[logger_name]}} | {{message}}",
            "BACKTRACE": True,
            "DIAGNOSE": True,
            "COLORIZE": False,
            "SERIALIZE": False,
            "ENCODING": "utf-8",
        }}
        LOGGERS: list[str] = ['app.logging.file_logger:FileLogger', 'app.logging.file_logger:ConsoleLogger']
        FILE_LOGGER: dict[str, Any] = {{
            "SINK": {str(log_file)!r},
            "LEVEL": LogLevel.TRACE,
            "FORMAT": "FILE | {{level}} | {{extra[logger_name]}} | {{message}}",
            "ENQUEUE": True,
            "BACKTRACE": True,
            "DIAGNOSE": True,
            "COLORIZE": True,
            "DELAY": True,
            "ROTATION": "5 MB",
            "RETENTION": "5 files",
            "COMPRESSION": "zip",
            "SERIALIZE": False,
            "ENCODING": "utf-8",
            "MODE": "a",
        }}
        CONSOLE_LOGGER: dict[str, Any] = {{"SINK": "STDOUT", "LEVEL": LogLevel.INFO, "FORMAT": "CONSOLE | {{message}}",
                                          "COLORIZE": False}}
        CONTROLLERS: list[str] = ['app.api.log_api:LogApi']
        DEBUG: bool = False
        """,
        imports="from surge import LogLevel\n",
    )
    app = project.application()
    async with TestClient(app) as client:
        assert (await client.get("/log/")).json() == {"logged": True}
    captured = capsys.readouterr()
    default_lines = [line for line in captured.err.splitlines() if line.startswith("DEFAULT |")]
    assert default_lines == ["DEFAULT | WARNING | Seed app | PERFORMANCE slow query 120 ms"]  # LEVEL=WARNING
    console = [line for line in captured.out.splitlines() if line.startswith("CONSOLE |")]
    assert console == ["CONSOLE | PERFORMANCE slow query 120 ms", "CONSOLE | an info line"]
    # the file sink: its own format and the PERFORMANCE filter; ENQUEUE'd records flushed at shutdown
    assert log_file.read_text(encoding="utf-8").splitlines() == [
        "FILE | WARNING | Seed app | PERFORMANCE slow query 120 ms"
    ]


def test_logging_serialize_default_logger(project, capsys):
    project.config(
        """
        DEFAULT_LOGGER: dict[str, Any] = {"LEVEL": "INFO", "SERIALIZE": True}
        DEBUG: bool = False
        """
    )
    app = project.application()
    app.logger.info("serialized line")
    line = [line for line in capsys.readouterr().err.splitlines() if "serialized line" in line][0]
    assert json.loads(line)["record"]["message"] == "serialized line"


# == Command line interface ======================================================================
CLI_CONTROLLER = """
    from surge.cli import CLIController, command, argument

    class UtilityCLIController(CLIController):
        \"\"\"A simple CLI utility controller.\"\"\"

        @command("greet", help="Greet a user with a message.")
        @argument("name", arg_type=str, description="The name of the user to greet.")
        async def greet(self, name: str):
            \"\"\"Greet by name.\"\"\"
            print(f"Hello, {name}! Welcome to the CLI utility.")

        @command("add", help="Add two numbers.")
        @argument("a", arg_type=int, description="The first number.")
        @argument("b", arg_type=int, description="The second number.")
        async def add(self, a: int, b: int):
            \"\"\"Add two numbers and print the result.\"\"\"
            result = a + b
            print(f"The sum of {a} and {b} is {result}.")

        @command("scale", help="Multiply a float.")
        @argument("value", arg_type=float, description="A float.")
        async def scale(self, value: float):
            print(f"{type(value).__name__} {value * 2} from {self.app.app_name}")

        @command("version")
        async def version(self):
            print(self.app.version)
"""


def test_cli_controller_of_the_seed(project, capsys, tmp_path):
    project.write("cli/cli_controller.py", CLI_CONTROLLER)
    project.config(
        """
        CLI_CONTROLLERS: list[str] = [
            'app.cli.cli_controller:UtilityCLIController' #path:CLIController
        ]
        """
    )
    app = project.application()
    assert run_cli(app, capsys, "greet", "Alice") == "Hello, Alice! Welcome to the CLI utility.\n"
    assert run_cli(app, capsys, "add", "2", "3") == "The sum of 2 and 3 is 5.\n"
    assert run_cli(app, capsys, "scale", "1.25") == "float 2.5 from Seed app\n"
    assert run_cli(app, capsys, "version") == "1.0\n"
    with pytest.raises(SystemExit):
        app.run_cli(["add", "two", "3"])  # arguments are cast to their type
    assert "invalid int value" in capsys.readouterr().err

    (tmp_path / "cli.py").write_text(
        f"if __name__ == '__main__':\n    from {project.name} import Application\n"
        "    app = Application()\n    app.run_cli()\n"
    )
    result = subprocess.run(
        [sys.executable, "cli.py", "greet", "Bob"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "Hello, Bob! Welcome to the CLI utility." in result.stdout


# == OpenAPI specifications ======================================================================
async def test_openapi_served_in_debug_only_and_extension_decorators_keep_the_docs(project, tmp_path):
    auth_project(project, f"sqlite+aiosqlite:///{tmp_path / 'openapi.db'}")
    project.write(
        "api/users/crud_api.py",
        USERS_API.replace('@path("/api/v1/users")', '@path("/api/v1/people")'),
    )
    configs = project.package / "configs.py"
    configs.write_text(
        configs.read_text()
        .replace("DEBUG: bool = False", "DEBUG: bool = True")
        .replace(
            "CONTROLLERS: list[str] = [",
            f"CONTROLLERS: list[str] = ['{project.name}.api.users.crud_api:UsersApi', ",
        )
    )
    app = project.application()
    async with TestClient(app) as client:
        docs = await client.get("/openapi/docs")
        assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
        spec = (await client.get("/openapi/specs.json")).json()
    create = spec["paths"]["/api/v1/people"]["post"]
    assert "Creates new user" in json.dumps(create)
    assert all(param["name"] != "session" for param in create.get("parameters", []))
    assert "UserData" in json.dumps(create["requestBody"]) and "UserData" in json.dumps(create["responses"])
    protected = spec["paths"]["/api/v1/users/{user_id}"]["get"]
    assert "Returns a user by user_id" in json.dumps(protected)
    assert [p["name"] for p in protected["parameters"]] == ["user_id"]

    production = importlib.import_module(project.name).Application(configs=project.module("configs").Config(DEBUG=False))
    async with TestClient(production) as client:
        assert (await client.get("/openapi/specs.json")).status_code == 404
        assert (await client.get("/openapi/docs")).status_code == 404


# == AI Interface ================================================================================
CHAT_SESSION_MODEL = """
    from sqlalchemy import String
    from sqlalchemy.orm import mapped_column, Mapped

    from surge.database import create_declerative_base

    Base = create_declerative_base("db")

    class ChatSession(Base):
        __tablename__: str = "chat_sessions"

        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(50))
"""

AI_INTERFACE = """
    from typing import Any, Optional

    from app.api.models.chat_session import ChatSession
    from app.extensions import db

    from surge.database import AsyncSession
    from surge.ai_interface import AiInterface, tool
    from surge.request import Request


    class WeatherTools:
        @tool(name = "get_weather", description = "Current weather in a city")
        async def weather(self, city: str, unit: str = "C") -> Any:
            return {"city": city, "temperature": 21, "unit": unit}


    class Interface(WeatherTools, AiInterface):

        @db.managed_session
        async def chat_context_loader(self, req: Request,
                                      session: AsyncSession) -> Optional[ChatSession]:
            chat_session_id: Optional[int] = req.route_parameters.get("chat_session_id",
                                                                      None)
            if chat_session_id is None:
                return None
            return await ChatSession.query(session).filter_by(id = chat_session_id).first()

        #chat_context_loader implementation

        @tool(name = "method_name", description = "method_description")
        async def some_tool(self, arg1: str, arg2: str) -> Any:
            \"\"\"some tool logic\"\"\"
            return f"{arg1}+{arg2}"

        @tool()
        async def shout(self, text: str) -> str:
            \"\"\"Upper-cases a text.\"\"\"
            return text.upper()

        @tool()
        async def broken(self) -> None:
            raise RuntimeError("tool failure")

    ai_interface: Interface = Interface()
"""

CHAT_API = """
    from surge import Request, Response
    from surge.ai_interface import ChatContextNotFound, FailedToRunAiToolMethod
    from surge.controller import Controller, path, get, post
    from surge.exceptions import ExceptionHandler, handles

    from app.ai_interface import ai_interface
    from app.api.models.chat_session import ChatSession


    @path("/api/v1/chats")
    class ChatApi(Controller):
        @post("/<int:chat_session_id>")
        @ai_interface.with_chat_context
        async def chat(self, req: Request, chat_session_id: int, chat_context: ChatSession) -> Response:
            \"\"\"Answers in the loaded chat\"\"\"
            body = await req.json()
            messages = [{"role": "system", "content": f"Chat {chat_context.title}"},
                        {"role": "user", "content": body["message"]}]
            completion = await ai_interface.chat_completion(messages)
            message = completion.choices[0].message
            if message.tool_calls:
                messages.append(message.model_dump(exclude_none=True))
                messages.extend(await ai_interface.run_tool_calls(message.tool_calls))
                completion = await ai_interface.chat_completion(messages)
            return req.response.json({"chat": chat_context.title, "answer": completion.choices[0].message.content})


    class CustomExceptionHandler(ExceptionHandler):
        @handles(ChatContextNotFound)
        async def no_chat(self, req: Request, exc: ChatContextNotFound) -> Response:
            return req.response.json({"error": "no such chat"}).status(404)

        @handles(FailedToRunAiToolMethod)
        async def tool_failed(self, req: Request, exc: FailedToRunAiToolMethod) -> Response:
            return req.response.json({"error": f"tool {exc.tool_name} failed"}).status(502)
"""


def ai_project(project: SeedProject, tmp_path: Path, base_url: str, **section: Any) -> None:
    project.write("extensions.py", SQL_EXTENSIONS)
    project.write("api/models/chat_session.py", CHAT_SESSION_MODEL)
    project.write("ai_interface.py", AI_INTERFACE)
    project.write("api/chats/chat_api.py", CHAT_API)
    keys = {
        "API_KEY": "sk-seed",
        "API_BASE_URL": base_url,
        "ORGANIZATION_ID": None,
        "PROJECT_ID": None,
        "TIMEOUT": 30,
        "MODEL": "gpt-3.5-turbo",
        "TEMPERATURE": 1.0,
        "RESPONSE_FORMAT": {"type": "json_object"},
        "TOOL_CHOICE": False,
        "MAX_RETRIES": 0,
        "CHAT_CONTEXT_NAME": "chat_context",
        **section,
    }
    project.config(
        f"""
        SQL_DATABASE: dict[str, Any] = {{"DATABASE_URI": "sqlite+aiosqlite:///{tmp_path / 'chats.db'}", "CREATE_ALL": True}}
        AI_INTERFACE: dict[str, Any] = {keys!r}
        EXTENSIONS: list[str] = [
            'app.extensions:db',
            'app.extensions:migrate',
            'app.ai_interface:ai_interface'
        ]
        MODELS: list[str] = ['app.api.models.chat_session:ChatSession']
        CONTROLLERS: list[str] = ['app.api.chats.chat_api:ChatApi']
        EXCEPTION_HANDLERS: list[str] = ['app.api.chats.chat_api:CustomExceptionHandler']
        DEBUG: bool = False
        """
    )


def test_ai_interface_names_of_the_seed():
    from surge.ai_interface import AiInterface, ChatContextNotFound, FailedToRunAiToolMethod, tool

    assert issubclass(AiInterface, object) and callable(tool)
    assert issubclass(ChatContextNotFound, Exception) and issubclass(FailedToRunAiToolMethod, Exception)


async def test_ai_interface_chat_context_loader_tools_and_client(project, tmp_path):
    from openai_fake_server import FakeOpenAI, tool_call

    async with FakeOpenAI() as server:
        ai_project(project, tmp_path, server.base_url)
        app = project.application()
        interface = project.module("ai_interface").ai_interface
        assert interface.app is app  # self.app, as the seed says
        tools = interface.tools
        assert tools["method_name"].description == "method_description"
        assert tools["method_name"].attribute == "some_tool"
        assert tools["method_name"].required == ("arg1", "arg2")
        assert tools["method_name"].parameters == {"arg1": str, "arg2": str}
        assert tools["shout"].description == "Upper-cases a text."  # method name and docstring by default
        assert tools["get_weather"].schema["function"]["parameters"]["properties"]["unit"] == {
            "type": "string", "default": "C"
        }
        async with TestClient(app) as client:
            db = project.module("extensions").db
            ChatSession = project.module("api.models.chat_session").ChatSession
            async with db.create_session() as session:
                session.add(ChatSession(title="Trip planning"))
                await session.commit()

            res = await client.post("/api/v1/chats/1", json={"message": "Hello"})
            assert res.status_code == 200
            assert res.json() == {"chat": "Trip planning", "answer": "echo: Hello"}

            res = await client.post("/api/v1/chats/2", json={"message": "Hello"})
            assert res.status_code == 404 and res.json() == {"error": "no such chat"}

            server.reply(tool_calls=[tool_call("call_1", "method_name", {"arg1": "a", "arg2": "b"})])
            server.reply("Done: a+b")
            res = await client.post("/api/v1/chats/1", json={"message": "Use the tool"})
            assert res.json() == {"chat": "Trip planning", "answer": "Done: a+b"}

            server.reply(tool_calls=[tool_call("call_2", "broken", {})])
            res = await client.post("/api/v1/chats/1", json={"message": "Break it"})
            assert res.status_code == 502 and res.json() == {"error": "tool broken failed"}
        first = server.completions[0]
        assert first.headers["authorization"] == "Bearer sk-seed"
        assert first.body["model"] == "gpt-3.5-turbo" and first.body["temperature"] == 1.0
        assert first.body["response_format"] == {"type": "json_object"}
        assert "tools" not in first.body  # TOOL_CHOICE False
        assert server.completions[2].body["messages"][-1] == {
            "role": "tool", "tool_call_id": "call_1", "content": "a+b"
        }


async def test_ai_interface_tool_choice_and_chat_context_name(project, tmp_path):
    from openai_fake_server import FakeOpenAI

    async with FakeOpenAI() as server:
        ai_project(project, tmp_path, server.base_url, TOOL_CHOICE=True, CHAT_CONTEXT_NAME="conversation",
                   MODEL="llama3.1", TEMPERATURE=0.3)
        chat_api = project.package / "api" / "chats" / "chat_api.py"
        chat_api.write_text(chat_api.read_text().replace("chat_context:", "conversation:").replace("chat_context.", "conversation."))
        app = project.application()
        async with TestClient(app) as client:
            db = project.module("extensions").db
            ChatSession = project.module("api.models.chat_session").ChatSession
            async with db.create_session() as session:
                session.add(ChatSession(title="Named"))
                await session.commit()
            res = await client.post("/api/v1/chats/1", json={"message": "Hi"})
            assert res.json() == {"chat": "Named", "answer": "echo: Hi"}
        sent = server.completions[0].body
        assert (sent["model"], sent["temperature"], sent["tool_choice"]) == ("llama3.1", 0.3, "auto")
        assert [t["function"]["name"] for t in sent["tools"]] == ["broken", "get_weather", "method_name", "shout"]
