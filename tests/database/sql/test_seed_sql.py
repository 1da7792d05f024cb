"""The seed README's SQL database: managed and read-only sessions, querying and pagination, SHOW_SQL,
configs_name and SESSION_NAME.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: SQLite files in ``tmp_path`` and PostgreSQL on 127.0.0.1 (skipped when absent)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from surge.testing import TestClient

from seed_project import USER_MODEL, sql_project


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
