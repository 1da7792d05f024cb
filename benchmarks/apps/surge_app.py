"""Surge: the same app as pyjolt_app.py with ``pyjolt`` -> ``surge`` and ``PyJolt`` -> ``Surge``.

Surge mirrors PyJolt's API (same decorators, config keys and
``req.response.json(...).status(...)``), so this file is kept line-for-line
parallel to pyjolt_app.py; see that file's docstring for the config choices
(DEBUG off, CORS and OpenAPI off, logger at WARNING, explicit 422 handler).

GET /db uses plain SQLAlchemy async (the shared _bench_db fixture) opened by an
@on_startup method: Surge's SQL extension does not exist yet.

TODO(lead): add GET /di (same body as /json, handler taking two injected
dependencies) and "di" to bench_common.ENDPOINTS/CHECKS for Surge only.
"""

from __future__ import annotations

import os

from _bench_db import db
from pydantic import BaseModel, ValidationError

from surge import BaseConfig, HttpStatus, MediaType, Request, Response, Surge, app, on_shutdown, on_startup
from surge.controller import Controller, consumes, get, path, post, produces
from surge.exceptions import ExceptionHandler, handles


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


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
    async def rows(self, req: Request) -> Response:
        async with db.sessionmaker() as session:
            rows = await db.first_rows(session)
        return req.response.json(rows).status(HttpStatus.OK)


class ValidationErrorHandler(ExceptionHandler):
    @handles(ValidationError)
    async def validation_error(self, req: Request, exc: ValidationError) -> Response:
        return req.response.json({"detail": exc.errors(include_url=False, include_context=False)}).status(
            HttpStatus.UNPROCESSABLE_ENTITY
        )


class Config(BaseConfig):
    APP_NAME: str = "bench"
    VERSION: str = "1.0.0"
    SECRET_KEY: str = "benchmark-secret-key-not-for-production"
    BASE_PATH: str = os.path.dirname(os.path.abspath(__file__))
    DEBUG: bool = False
    CORS_ENABLED: bool = False
    OPEN_API: bool = False
    DEFAULT_LOGGER: dict = {
        "SINK": "STDERR",
        "LEVEL": "WARNING",
        "ROTATION": None,
        "RETENTION": None,
        "COMPRESSION": None,
        "ENQUEUE": True,
        "COLORIZE": False,
    }
    CONTROLLERS: list[str] = [
        "surge_app:PlaintextController",
        "surge_app:JsonController",
        "surge_app:UserController",
        "surge_app:ItemController",
        "surge_app:DbController",
    ]
    EXCEPTION_HANDLERS: list[str] = ["surge_app:ValidationErrorHandler"]


@app(__name__, configs=Config)
class Application(Surge):
    @on_startup
    async def open_database(self) -> None:
        await db.startup()

    @on_shutdown
    async def close_database(self) -> None:
        await db.shutdown()


app = Application()  # noqa: F811 - the ASGI callable (Application is a factory)
