"""@managed_session / @readonly_session on functions that are not endpoints (PyJolt allows it).

A helper, a middleware method and a CLI command get a session injected as a keyword argument:
committed on success, rolled back on error, and an outer session of the same database is
reused instead of opening a second one. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from sql_models import User, db
from sqlalchemy import func, select

from surge import Request, Response
from surge.cli import CLIController, argument, command
from surge.controller import Controller, get, path, post
from surge.database import AsyncSession
from surge.middleware import MiddlewareBase
from surge.testing import TestClient


@db.managed_session
async def add_user(name: str, session: AsyncSession) -> int:
    """A helper: writes through the injected session."""
    user = User(name=name, email=f"{name}@example.com")
    session.add(user)
    await session.flush()
    return user.id


@db.managed_session
async def add_user_then_fail(name: str, session: AsyncSession) -> None:
    session.add(User(name=name, email=f"{name}@example.com"))
    await session.flush()
    raise LookupError("after the insert")


@db.readonly_session
async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


@db.managed_session
async def add_two(first: str, second: str, session: AsyncSession) -> list[AsyncSession]:
    """Nested helpers reuse this call's session: all three see one transaction."""
    seen = [session]

    @db.managed_session
    async def inner(name: str, session: AsyncSession) -> None:
        seen.append(session)
        session.add(User(name=name, email=f"{name}@example.com"))

    await inner(first)
    await inner(second)
    return seen


class Registry:
    """A plain class whose method is decorated."""

    @db.managed_session
    async def register(self, name: str, *, session: AsyncSession) -> str:
        session.add(User(name=name, email=f"{name}@example.com"))
        return name


class AuditMiddleware(MiddlewareBase):
    """A middleware method with a session: counts users before every request."""

    @db.readonly_session
    async def middleware(self, req: Request, session: AsyncSession) -> Response:
        count = await session.scalar(select(func.count()).select_from(User))
        response = await self.next(req)
        response.headers["X-Users"] = str(count)
        return response


@path("/helpers")
class HelpersApi(Controller):
    @post("/add/<name>")
    @db.managed_session
    async def add(self, req: Request, name: str, session: AsyncSession) -> dict[str, Any]:
        """An endpoint calling a managed helper: the helper gets the endpoint's session."""
        new_id = await add_user(name)
        found = await session.get(User, new_id)  # visible: same session, same transaction
        return {"id": new_id, "same": found is not None and found.name == name}

    @post("/add-then-fail/<name>")
    @db.managed_session
    async def add_then_fail(self, req: Request, name: str, session: AsyncSession) -> dict[str, Any]:
        await add_user(name)
        raise LookupError("the endpoint fails after the helper wrote")

    @get("/count")
    async def count(self, req: Request) -> dict[str, int]:
        return {"count": await count_users()}


class UsersCli(CLIController):
    @command("add-user", help="Add a user")
    @argument("name", str, "The user's name")
    @db.managed_session_for_cli
    async def add(self, name: str, session: AsyncSession) -> None:
        session.add(User(name=name, email=f"{name}@example.com"))

    @db.managed_session
    @command("fail-user", help="Add a user, then fail")
    @argument("name", str, "The user's name")
    async def fail(self, name: str, session: AsyncSession) -> None:
        session.add(User(name=name, email=f"{name}@example.com"))
        await session.flush()
        raise LookupError("command failed")


@pytest.fixture
def app(sql_target, make_app):
    app = make_app(
        extensions=[db],
        models=[User],
        controllers=[HelpersApi],
        SQL_DATABASE=sql_target.section(CREATE_ALL=True),
    )
    app.add_middleware(AuditMiddleware)
    return app


async def names(sql_target) -> list[str]:
    return sorted(row[0] for row in await sql_target.fetch("SELECT name FROM users"))


async def test_helper_called_directly_commits_or_rolls_back(app, sql_target):
    async with TestClient(app):
        assert isinstance(await add_user("alice"), int)
        with pytest.raises(LookupError):
            await add_user_then_fail("ghost")
        assert await count_users() == 1
        seen = await add_two("bob", "carol")
        assert len(seen) == 3 and all(s is seen[0] for s in seen)
        assert await Registry().register("dave") == "dave"
        explicit = db.create_session()  # a session the caller passes is used as is, never committed
        await add_user("erin", session=explicit)
        await explicit.close()
    assert await names(sql_target) == ["alice", "bob", "carol", "dave"]


async def test_helper_inside_an_endpoint_shares_its_transaction(app, sql_target):
    async with TestClient(app) as client:
        res = await client.post("/helpers/add/frank")
        assert res.status_code == 200
        assert res.json()["same"] is True
        assert res.headers["X-Users"] == "0"  # the middleware counted before the request
        res = await client.post("/helpers/add-then-fail/gina")
        assert res.status_code == 500  # the endpoint failed: the helper's write is rolled back too
        res = await client.get("/helpers/count")
        assert res.json() == {"count": 1}
        assert res.headers["X-Users"] == "1"
    assert await names(sql_target) == ["frank"]


def test_cli_commands_get_a_session(sql_target, make_app):
    app = make_app(
        extensions=[db], models=[User], SQL_DATABASE=sql_target.section(CREATE_ALL=True)
    )
    app.cli_controllers.append(UsersCli(app))
    assert app.run_cli(["add-user", "--name", "hank"]) == 0
    assert app.run_cli(["add-user", "ivy"]) == 0
    with pytest.raises(LookupError):
        app.run_cli(["fail-user", "jack"])
    from sql_targets import run_in_thread

    assert run_in_thread(lambda: names(sql_target)) == ["hank", "ivy"]
