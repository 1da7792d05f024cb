"""Starlette: plain Route table, Request/Response objects, lifespan context."""

from __future__ import annotations

import contextlib

from _bench_db import db
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


async def plaintext(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, World!")


async def json_endpoint(request: Request) -> JSONResponse:
    return JSONResponse({"message": "Hello, World!"})


async def user(request: Request) -> JSONResponse:
    uid: int = request.path_params["id"]
    return JSONResponse({"id": uid, "name": f"user{uid}"})


async def create_item(request: Request) -> JSONResponse:
    try:
        item = Item.model_validate_json(await request.body())
    except ValidationError as exc:
        return JSONResponse({"detail": exc.errors(include_url=False, include_context=False)}, status_code=422)
    return JSONResponse(item.model_dump(), status_code=201)


async def rows(request: Request) -> JSONResponse:
    async with db.sessionmaker() as session:
        return JSONResponse(await db.first_rows(session))


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    await db.startup()
    try:
        yield
    finally:
        await db.shutdown()


app = Starlette(
    routes=[
        Route("/plaintext", plaintext, methods=["GET"]),
        Route("/json", json_endpoint, methods=["GET"]),
        Route("/users/{id:int}", user, methods=["GET"]),
        Route("/items", create_item, methods=["POST"]),
        Route("/db", rows, methods=["GET"]),
    ],
    lifespan=lifespan,
)
