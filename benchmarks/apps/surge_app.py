"""Surge: the benchmark endpoints written the way the README teaches.

Controllers, ``req.response.json(...)``, ``@consumes`` with a pydantic model, the SQL
extension with ``@db.readonly_session`` for GET /db, and the default config with DEBUG off
(CORS on, as by default). Invalid bodies get Surge's default 422; nothing benchmark-only.

GET /di is Surge-only: GET /json's body from a handler that takes two injected dependencies
(an app-scoped ``Settings`` and a request-scoped ``Greeter`` built from it), to report what
dependency injection costs per request.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from pydantic import BaseModel
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from surge import BaseConfig, HttpStatus, MediaType, Request, Response, Surge, app, on_shutdown, on_startup
from surge.controller import Controller, consumes, get, path, post, produces
from surge.database import AsyncSession, create_declarative_base
from surge.database.sql import SqlDatabase
from surge.di import provider

N_ROWS = 100
N_RETURN = 10

db = SqlDatabase()
Base = create_declarative_base("db")


class Row(Base):
    __tablename__ = "rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


class Settings:
    greeting = "Hello, World!"


class Greeter:
    __slots__ = ("settings",)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings


@provider(scope="app")
def get_settings() -> Settings:
    return Settings()


def get_greeter(settings: Settings) -> Greeter:
    return Greeter(settings)


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


@path("/users")
class UserController(Controller):
    @get("/<int:id>")
    async def user(self, req: Request, id: int) -> Response:
        return req.response.json({"id": id, "name": f"user{id}"}).status(HttpStatus.OK)


@path("/items")
class ItemController(Controller):
    @post("")
    @consumes(MediaType.APPLICATION_JSON)
    async def create(self, req: Request, item: Item) -> Response[Item]:
        return req.response.json(item).status(HttpStatus.CREATED)


@path("/db")
class DbController(Controller):
    @get("")
    @db.readonly_session
    async def rows(self, req: Request, session: AsyncSession) -> Response:
        rows = (await session.execute(select(Row).order_by(Row.id).limit(N_RETURN))).scalars().all()
        return req.response.json([{"id": r.id, "name": r.name} for r in rows]).status(HttpStatus.OK)


@path("/di")
class DiController(Controller):
    @get("")
    async def message(self, req: Request, settings: Settings, greeter: Greeter) -> Response:
        return req.response.json({"message": greeter.settings.greeting}).status(HttpStatus.OK)


_DB_DIR = tempfile.mkdtemp(prefix="surge-bench-db-")


class Config(BaseConfig):
    APP_NAME: str = "bench"
    VERSION: str = "1.0.0"
    SECRET_KEY: str = "benchmark-secret-key-not-for-production"
    BASE_PATH: str = os.path.dirname(os.path.abspath(__file__))
    DEBUG: bool = False
    CONTROLLERS: list[str] = [
        "surge_app:PlaintextController",
        "surge_app:JsonController",
        "surge_app:UserController",
        "surge_app:ItemController",
        "surge_app:DbController",
        "surge_app:DiController",
    ]
    EXTENSIONS: list[str] = ["surge_app:db"]
    MODELS: list[str] = ["surge_app:Row"]
    DEPENDENCIES: list[str] = ["surge_app:get_settings", "surge_app:get_greeter"]
    SQL_DATABASE: dict = {
        "DATABASE_URI": "sqlite+aiosqlite:///" + os.path.join(_DB_DIR, "bench.db"),
        "CREATE_ALL": True,
    }


@app(__name__, configs=Config)
class Application(Surge):
    @on_startup
    async def seed_rows(self) -> None:
        session = db.create_session()
        try:
            if (await session.get(Row, 1)) is None:
                session.add_all(Row(id=i, name=f"row{i}") for i in range(1, N_ROWS + 1))
                await session.commit()
        finally:
            await session.close()

    @on_shutdown
    async def remove_database(self) -> None:
        shutil.rmtree(_DB_DIR, ignore_errors=True)


app = Application()  # noqa: F811 - the ASGI callable (Application is a factory)
