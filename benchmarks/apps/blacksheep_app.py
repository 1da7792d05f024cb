"""BlackSheep: module-level route decorators, FromJSON model binding, lifespan helper.

BlackSheep answers a body that fails model validation with 400
(InvalidRequestBody); the issue asks for 422 on every framework, so an
exception handler maps InvalidRequestBody to 422.
"""

from __future__ import annotations

from _bench_db import db
from blacksheep import Application, FromJSON, Request, Response, get, json, post, text
from blacksheep.server.bindings import InvalidRequestBody
from pydantic import BaseModel


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


app = Application()


@app.lifespan
async def database():
    await db.startup()
    yield
    await db.shutdown()


@app.exception_handler(InvalidRequestBody)
async def invalid_body(app: Application, request: Request, exc: InvalidRequestBody) -> Response:
    return json({"detail": str(exc)}, status=422)


@get("/plaintext")
async def plaintext() -> Response:
    return text("Hello, World!")


@get("/json")
async def json_endpoint() -> Response:
    return json({"message": "Hello, World!"})


@get("/users/{int:id}")
async def user(id: int) -> Response:
    return json({"id": id, "name": f"user{id}"})


@post("/items")
async def create_item(item: FromJSON[Item]) -> Response:
    return json(item.value.model_dump(), status=201)


@get("/db")
async def rows() -> Response:
    async with db.sessionmaker() as session:
        return json(await db.first_rows(session))
