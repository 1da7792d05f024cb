"""The SQLAlchemy side shared by the peer apps (Starlette, FastAPI, Litestar, BlackSheep).

Plain SQLAlchemy 2 async as their docs show it: a declarative model per table, one engine
and an ``async_sessionmaker`` made at startup, ``session.get`` / ``select`` in handlers.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tfb._tfb_common import EXTRA_FORTUNE, POOL_SIZE, SQLALCHEMY_URL, random_ids, random_number


class Base(DeclarativeBase):
    pass


class World(Base):
    __tablename__ = "world"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    randomnumber: Mapped[int] = mapped_column(Integer)


class Fortune(Base):
    __tablename__ = "fortune"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))


class Database:
    """Engine and session factory, opened by the app's startup hook."""

    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession]

    async def startup(self) -> None:
        self.engine = create_async_engine(SQLALCHEMY_URL, pool_size=POOL_SIZE, max_overflow=0)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        async with self.sessionmaker() as session:  # /cached-queries serves from memory from the start
            for world in (await session.scalars(select(World))).all():
                _world_cache[world.id] = as_json(world)

    async def shutdown(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


db = Database()


def as_json(world: World) -> dict[str, int]:
    return {"id": world.id, "randomNumber": world.randomnumber}


async def one_world(session: AsyncSession) -> dict[str, int]:
    return as_json(await session.get(World, random_ids(1)[0]))


async def many_worlds(session: AsyncSession, count: int) -> list[dict[str, int]]:
    return [as_json(await session.get(World, i)) for i in random_ids(count)]


async def update_worlds(session: AsyncSession, count: int) -> list[dict[str, int]]:
    """Read each row, give it a new random number, commit (the ORM batches the UPDATEs)."""
    worlds = []
    async with session.begin():
        for i in sorted(random_ids(count)):
            world = await session.get(World, i)
            world.randomnumber = random_number()
            worlds.append(world)
    return [as_json(w) for w in worlds]


async def sorted_fortunes(session: AsyncSession) -> list[Fortune]:
    fortunes = list((await session.scalars(select(Fortune))).all())
    fortunes.append(Fortune(id=0, message=EXTRA_FORTUNE))
    fortunes.sort(key=lambda f: f.message)
    return fortunes


_world_cache: dict[int, dict[str, int]] = {}


async def cached_worlds(count: int) -> list[dict[str, int]]:
    """A process-local dict of world rows, filled at startup (no peer ships a cache extension)."""
    worlds = []
    for i in random_ids(count):
        world = _world_cache.get(i)
        if world is None:
            async with db.sessionmaker() as session:
                world = _world_cache[i] = as_json(await session.get(World, i))
        worlds.append(world)
    return worlds
