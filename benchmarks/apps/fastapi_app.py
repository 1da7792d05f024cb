"""FastAPI: pydantic model parameter and response_model, Depends for the DB session."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from _bench_db import db
from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


class Message(BaseModel):
    message: str


class User(BaseModel):
    id: int
    name: str


class RowOut(BaseModel):
    id: int
    name: str


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await db.startup()
    try:
        yield
    finally:
        await db.shutdown()


app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with db.sessionmaker() as session:
        yield session


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext() -> str:
    return "Hello, World!"


@app.get("/json")
async def json_endpoint() -> Message:
    return Message(message="Hello, World!")


@app.get("/users/{id}")
async def user(id: int) -> User:
    return User(id=id, name=f"user{id}")


@app.post("/items", status_code=201)
async def create_item(item: Item) -> Item:
    return item


@app.get("/db")
async def rows(session: Annotated[AsyncSession, Depends(get_session)]) -> list[RowOut]:
    return [RowOut(**r) for r in await db.first_rows(session)]
