"""Read-only sessions on PostgreSQL read values through a pool connection they borrow.

What a user can see of it: the answers are the rows (committed by anyone, at once), the pool
is never held twice by one request (a one-connection pool does not stall when a handler mixes
value reads with ORM queries), every connection is back in the pool after the request, and a
driver error still becomes the usual answer without losing the connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sql_models import db
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request
from surge.controller import Controller, get, path
from surge.database import AsyncSession, create_declarative_base
from surge.database.sql import ReadOnlySessionError
from surge.testing import TestClient

from sql_targets import postgres_schema_target

Base = create_declarative_base("db")


class Planet(Base):
    __tablename__ = "planets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


@path("/planets")
class PlanetsApi(Controller):
    @get("/<int:planet_id>")
    @db.readonly_session
    async def one(self, req: Request, session: AsyncSession, planet_id: int) -> dict[str, Any]:
        return await Planet.query(session).filter_by(id=planet_id).one_dict()

    @get("/mixed")
    @db.readonly_session
    async def mixed(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        first = await Planet.query(session).filter_by(id=1).one_dict()  # borrowed connection
        orm = (await session.execute(select(Planet.name).where(Planet.id == 2))).scalar_one()  # the session's own
        again = await Planet.query(session).filter_by(id=3).one_dict()  # back on the session's connection
        return {"names": [first["name"], orm, again["name"]]}

    @get("/managed")
    @db.managed_session
    async def managed(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        await session.execute(select(Planet.id).limit(1))  # the transaction is begun and sent
        names = [(await Planet.query(session).filter_by(id=i).one_dict())["name"] for i in (1, 2)]
        return {"names": names}

    @get("/commit")
    @db.readonly_session
    async def commit(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        name = (await Planet.query(session).filter_by(id=1).one_dict())["name"]  # before it is built
        try:
            await session.commit()
        except ReadOnlySessionError:
            return {"refused": True, "name": name, "is_async_session": isinstance(session, AsyncSession)}
        return {"refused": False}

    @get("/by-name")
    @db.readonly_session
    async def by_name(self, req: Request, session: AsyncSession) -> list[dict[str, Any]]:
        return await Planet.query(session).filter_by(id=req.query_params.get("id", "")).dicts()


@asynccontextmanager
async def planets_client(postgres_url: str, make_app: Any, rows: str) -> AsyncIterator[tuple[Any, Any]]:
    """A client of an app whose pool has ONE connection, and the schema's target, with ``rows``."""
    with postgres_schema_target(postgres_url, "surge_borrowed") as target:
        section = target.section(CREATE_ALL=True, POOL_SIZE=1, MAX_OVERFLOW=0, POOL_TIMEOUT=3)
        app = make_app(extensions=[db], models=[Planet], controllers=[PlanetsApi], SQL_DATABASE=section)
        async with TestClient(app) as client:
            await target.execute(f"INSERT INTO planets (id, name) VALUES {rows}")
            yield client, target


async def test_borrowed_reads_share_the_pool_and_give_it_back(postgres_url, make_app):
    async with planets_client(postgres_url, make_app, "(1, 'mercury'), (2, 'venus'), (3, 'earth')") as (client, target):
        assert (await client.get("/planets/2")).json() == {"id": 2, "name": "venus"}
        # one connection in the pool: a request holding two would wait POOL_TIMEOUT and fail
        assert (await client.get("/planets/mixed")).json() == {"names": ["mercury", "venus", "earth"]}
        assert (await client.get("/planets/managed")).json() == {"names": ["mercury", "venus"]}
        pool = db.engine.sync_engine.pool
        assert pool.checkedout() == 0
        # committed elsewhere, seen by the next read (no snapshot is held between requests)
        await target.execute("UPDATE planets SET name = 'terra' WHERE id = 3")
        assert (await client.get("/planets/3")).json()["name"] == "terra"
        assert (await client.get("/planets/9")).status_code == 404
        refused = (await client.get("/planets/commit")).json()
        assert refused == {"refused": True, "name": "mercury", "is_async_session": True}
        statuses = await asyncio.gather(*(client.get(f"/planets/{1 + n % 3}") for n in range(30)))
        assert [res.status_code for res in statuses] == [200] * 30
        assert pool.checkedout() == 0


async def test_a_driver_error_gets_the_usual_answer_and_keeps_the_connection(postgres_url, make_app):
    async with planets_client(postgres_url, make_app, "(1, 'mercury')") as (client, _target):
        # a text id for an integer column: asyncpg refuses it, SQLAlchemy's run reports it
        wrong = await client.get("/planets/by-name", params={"id": "not-a-number"})
        assert wrong.status_code == 422
        assert wrong.json()["status"] == "error"
        assert db.engine.sync_engine.pool.checkedout() == 0
        assert (await client.get("/planets/1")).json() == {"id": 1, "name": "mercury"}
