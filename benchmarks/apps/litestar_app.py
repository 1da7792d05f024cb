"""Litestar: route handlers + a Controller, pydantic DTO-free models, Provide for the DB session.

Litestar answers a failed body validation with 400 by default; the issue asks
for 422 on every framework, so a ValidationException handler maps it to 422
(the same thing FastAPI does out of the box).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from _bench_db import db
from litestar import Controller, Litestar, MediaType, Request, Response, get, post
from litestar.di import Provide
from litestar.exceptions import ValidationException
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


@get("/plaintext", media_type=MediaType.TEXT)
async def plaintext() -> str:
    return "Hello, World!"


@get("/json")
async def json_endpoint() -> dict[str, str]:
    return {"message": "Hello, World!"}


class UserController(Controller):
    path = "/users"

    @get("/{id:int}")
    async def user(self, id: int) -> dict[str, Any]:
        return {"id": id, "name": f"user{id}"}


class ItemController(Controller):
    path = "/items"

    @post("/")  # Litestar's @post answers 201 by default
    async def create_item(self, data: Item) -> Item:
        return data


async def provide_session() -> AsyncIterator[AsyncSession]:
    async with db.sessionmaker() as session:
        yield session


@get("/db", dependencies={"session": Provide(provide_session)})
async def rows(session: AsyncSession) -> list[dict[str, Any]]:
    return await db.first_rows(session)


def validation_to_422(request: Request, exc: ValidationException) -> Response:
    return Response(
        content={"status_code": 422, "detail": exc.detail, "extra": exc.extra},
        status_code=422,
        media_type=MediaType.JSON,
    )


app = Litestar(
    route_handlers=[plaintext, json_endpoint, UserController, ItemController, rows],
    on_startup=[db.startup],
    on_shutdown=[db.shutdown],
    exception_handlers={ValidationException: validation_to_422},
    openapi_config=None,
)
