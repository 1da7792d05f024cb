"""PyJolt (pyjolt 0.111.12 from PyPI): class-based app, controllers, config import strings.

Needs Python >= 3.12 (its venv is made with 3.12.1 by setup.sh).

Config choices, kept identical in surge_app.py (Surge mirrors this API):
- DEBUG=False (production error handling);
- CORS_ENABLED=False and OPEN_API=False: no other app in the suite runs CORS
  middleware or serves an OpenAPI document, so they are off for parity;
- DEFAULT_LOGGER at WARNING: PyJolt logs every request at INFO to stderr by
  default; the servers run with access logs off for every framework, so the
  per-request console line is silenced here too. (PyJolt's in-memory log
  buffer sink still receives every record; that is not configurable.)
- GET /db uses plain SQLAlchemy async (the shared _bench_db fixture), started
  by an @on_startup method, rather than pyjolt's SqlDatabase extension, so
  that every framework runs the identical data path.
- Pydantic ValidationError (raised by @consumes on a bad body) is mapped to
  422 by an ExceptionHandler; without it PyJolt answers 500.
"""

from __future__ import annotations

import os

from _bench_db import db
from pydantic import BaseModel, ValidationError
from pyjolt import BaseConfig, HttpStatus, MediaType, PyJolt, Request, Response, app, on_shutdown, on_startup
from pyjolt.controller import Controller, consumes, get, path, post, produces
from pyjolt.exceptions import ExceptionHandler, handles


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
        "pyjolt_app:PlaintextController",
        "pyjolt_app:JsonController",
        "pyjolt_app:UserController",
        "pyjolt_app:ItemController",
        "pyjolt_app:DbController",
    ]
    EXCEPTION_HANDLERS: list[str] = ["pyjolt_app:ValidationErrorHandler"]


@app(__name__, configs=Config)
class Application(PyJolt):
    @on_startup
    async def open_database(self) -> None:
        await db.startup()

    @on_shutdown
    async def close_database(self) -> None:
        await db.shutdown()


app = Application()  # noqa: F811 - the ASGI callable (Application is a factory)
