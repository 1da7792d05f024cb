"""Surge: the TechEmpower test types written the way Surge's docs teach.

Models from ``create_declarative_base``, the SQL extension's ``@db.readonly_session`` /
``@db.managed_session`` with ``Model.query(session)``, typed query parameters, the core's
Jinja2 templates (``await req.response.html(...)``) and the Cache extension's key-value API
for /cached-queries (world rows stored at startup, read through on a miss). Default config
otherwise, DEBUG off.
"""

from __future__ import annotations

import os

from sqlalchemy import Integer, String, update
from sqlalchemy.orm import Mapped, mapped_column

from surge import BaseConfig, HttpStatus, MediaType, Request, Response, Surge, app, on_startup
from surge.caching import Cache
from surge.controller import Controller, get, path, produces
from surge.database import AsyncSession, create_declarative_base
from surge.database.sql import SqlDatabase
from tfb._tfb_common import (
    EXTRA_FORTUNE,
    FORTUNES_TEMPLATE,
    POOL_SIZE,
    SQLALCHEMY_URL,
    clamp_queries,
    random_ids,
    random_number,
)

db = SqlDatabase()
cache = Cache()
Base = create_declarative_base("db")


class World(Base):
    __tablename__ = "world"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    randomnumber: Mapped[int] = mapped_column(Integer)


class Fortune(Base):
    __tablename__ = "fortune"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[str] = mapped_column(String(2048))


def as_json(world: World) -> dict[str, int]:
    return {"id": world.id, "randomNumber": world.randomnumber}


def row_json(row: dict[str, int]) -> dict[str, int]:
    return {"id": row["id"], "randomNumber": row["randomnumber"]}


@path("/plaintext")
class PlaintextController(Controller):
    @get("")
    @produces(MediaType.TEXT_PLAIN)
    async def plaintext(self, req: Request) -> Response:
        return req.response.text("Hello, World!").status(HttpStatus.OK)


@path("/json")
class JsonController(Controller):
    @get("")
    async def message(self, req: Request) -> Response:
        return req.response.json({"message": "Hello, World!"}).status(HttpStatus.OK)


@path("/db")
class DbController(Controller):
    @get("")
    @db.readonly_session
    async def single(self, req: Request, session: AsyncSession) -> Response:
        # values, not objects: one_dict() skips the ORM (the answer is JSON)
        world = await World.query(session).filter_by(id=random_ids(1)[0]).one_dict()
        return req.response.json(row_json(world)).status(HttpStatus.OK)


@path("/queries")
class QueriesController(Controller):
    @get("")
    @db.readonly_session
    async def multiple(self, req: Request, session: AsyncSession, queries: str | None = None) -> Response:
        worlds = [
            await World.query(session).filter_by(id=i).one_dict() for i in random_ids(clamp_queries(queries))
        ]
        return req.response.json([row_json(w) for w in worlds]).status(HttpStatus.OK)


@path("/updates")
class UpdatesController(Controller):
    @get("")
    @db.managed_session
    async def update(self, req: Request, session: AsyncSession, queries: str | None = None) -> Response:
        # Each row is read as values, then every change goes out as one executemany (an
        # UPDATE by primary key per row), committed by @managed_session.
        ids = sorted(random_ids(clamp_queries(queries)))  # id order: no deadlocks between requests
        worlds = [row_json(await World.query(session).filter_by(id=i).one_dict()) for i in ids]
        for world in worlds:
            world["randomNumber"] = random_number()
        await session.execute(update(World), [{"id": w["id"], "randomnumber": w["randomNumber"]} for w in worlds])
        return req.response.json(worlds).status(HttpStatus.OK)


@path("/fortunes")
class FortunesController(Controller):
    @get("")
    @db.readonly_session
    async def fortunes(self, req: Request, session: AsyncSession) -> Response:
        fortunes = await Fortune.query(session).dicts()  # the template reads f.id / f.message
        fortunes.append({"id": 0, "message": EXTRA_FORTUNE})
        fortunes.sort(key=lambda f: f["message"])
        return await req.response.html(FORTUNES_TEMPLATE, {"fortunes": fortunes})


@path("/cached-queries")
class CachedQueriesController(Controller):
    @get("")
    async def cached(self, req: Request, count: str | None = None) -> Response:
        ids = random_ids(clamp_queries(count))
        worlds = await cache.get_many([f"world:{i}" for i in ids])  # one backend call for the batch
        for n, world in enumerate(worlds):
            if world is None:  # read-through: the first request for a row fills the cache
                worlds[n] = world = await load_world(ids[n])
                await cache.set(f"world:{ids[n]}", world)
        return req.response.json(worlds).status(HttpStatus.OK)


@db.readonly_session
async def load_world(world_id: int, session: AsyncSession) -> dict[str, int]:
    """One world row; opens a session only when called (a cache miss), not on every request."""
    return row_json(await World.query(session).filter_by(id=world_id).one_dict())


@db.readonly_session
async def fill_world_cache(session: AsyncSession) -> None:
    """Store every world row in the cache, so /cached-queries serves from memory from the start."""
    for world in await World.query(session).all():
        await cache.set(f"world:{world.id}", as_json(world))


class Config(BaseConfig):
    APP_NAME: str = "tfb"
    VERSION: str = "1.0.0"
    SECRET_KEY: str = "benchmark-secret-key-not-for-production"
    BASE_PATH: str = os.path.dirname(os.path.abspath(__file__))
    TEMPLATES_DIR: str = "/templates"
    DEBUG: bool = False
    CORS_ENABLED: bool = False
    CONTROLLERS: list[str] = [
        "tfb.surgenc_app:PlaintextController",
        "tfb.surgenc_app:JsonController",
        "tfb.surgenc_app:DbController",
        "tfb.surgenc_app:QueriesController",
        "tfb.surgenc_app:UpdatesController",
        "tfb.surgenc_app:FortunesController",
        "tfb.surgenc_app:CachedQueriesController",
    ]
    EXTENSIONS: list[str] = ["tfb.surgenc_app:db", "tfb.surgenc_app:cache"]
    MODELS: list[str] = ["tfb.surgenc_app:World", "tfb.surgenc_app:Fortune"]
    SQL_DATABASE: dict = {"DATABASE_URI": SQLALCHEMY_URL, "POOL_SIZE": POOL_SIZE, "MAX_OVERFLOW": 0}
    CACHE: dict = {"DURATION": 3600, "MEMORY_MAX_ENTRIES": 10_000}


@app(__name__, configs=Config)
class Application(Surge):
    @on_startup
    async def warm_cache(self) -> None:
        await fill_world_cache()


app = Application()  # noqa: F811 - the ASGI callable (Application is a factory)
