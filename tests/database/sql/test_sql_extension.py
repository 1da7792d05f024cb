"""Two databases in one app: separate sections, bases, sessions and tables."""

from __future__ import annotations

from typing import Any

from sql_models import Post, User, db
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request
from surge.controller import Controller, get, path, post
from surge.database import AsyncSession, create_declarative_base
from surge.database.sql import SqlDatabase
from surge.testing import TestClient

AnalyticsBase = create_declarative_base("analytics")


class Event(AnalyticsBase):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))


analytics = SqlDatabase(db_name="analytics", configs_name="ANALYTICS_DATABASE")


@path("/signup")
class SignupApi(Controller):
    @post("/<name>")
    @db.managed_session
    @analytics.managed_session
    async def signup(
        self, req: Request, name: str, session: AsyncSession, analytics_session: AsyncSession
    ) -> dict[str, Any]:
        """Writes a user to the main database and an event to the analytics one.

        Two databases commit one after the other (the lower decorator's first), so the handler
        flushes: a constraint error then surfaces here and both sessions roll back.
        """
        analytics_session.add(Event(kind="signup"))
        session.add(User(name=name, email=f"{name}@example.com"))
        await analytics_session.flush()
        await session.flush()
        return {"ok": True}

    @get("/counts")
    @analytics.readonly_session
    @db.readonly_session
    async def counts(self, req: Request) -> dict[str, Any]:
        """``Model.query()`` finds the session of the model's own database."""
        return {"users": await User.query().count(), "events": await Event.query().count()}


async def test_two_databases_in_one_endpoint(sql_target, make_app, tmp_path):
    analytics_path = tmp_path / "analytics.db"
    app = make_app(
        extensions=[db, analytics],
        models=[User, Post, Event],
        controllers=[SignupApi],
        SQL_DATABASE=sql_target.section(CREATE_ALL=True),
        ANALYTICS_DATABASE={
            "DATABASE_URI": f"sqlite+aiosqlite:///{analytics_path}",
            "SESSION_NAME": "analytics_session",
            "CREATE_ALL": True,
        },
    )
    assert app.extensions["sql_database"] is db and app.extensions["analytics_database"] is analytics
    assert [m.__name__ for m in analytics.models] == ["Event"]
    assert [m.__name__ for m in db.models] == ["User", "Post"]
    async with TestClient(app) as client:
        assert (await client.post("/signup/ann")).json() == {"ok": True}
        assert (await client.post("/signup/ben")).json() == {"ok": True}
        assert (await client.post("/signup/ann")).status_code == 409  # the unique name fails...
        counts = (await client.get("/signup/counts")).json()
        assert counts == {"users": 2, "events": 2}  # ...and both sessions roll back
    assert await sql_target.tables() == {"users", "posts"}
    assert sorted(await sql_target.fetch("SELECT name FROM users")) == [("ann",), ("ben",)]
    import sqlite3

    with sqlite3.connect(analytics_path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"events"}
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (2,)
