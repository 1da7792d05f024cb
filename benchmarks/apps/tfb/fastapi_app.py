"""FastAPI: Depends for the SQLAlchemy session, response models, Jinja2Templates."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from tfb._tfb_common import FORTUNES_TEMPLATE, TEMPLATES_DIR, clamp_queries
from tfb._tfb_sqla import cached_worlds, db, many_worlds, one_world, sorted_fortunes, update_worlds


class Message(BaseModel):
    message: str


class WorldOut(BaseModel):
    id: int
    random_number: int = Field(serialization_alias="randomNumber")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await db.startup()
    try:
        yield
    finally:
        await db.shutdown()


app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
templates = Jinja2Templates(directory=TEMPLATES_DIR)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with db.sessionmaker() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


def out(worlds: list[dict[str, int]]) -> list[WorldOut]:
    return [WorldOut(id=w["id"], random_number=w["randomNumber"]) for w in worlds]


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext() -> str:
    return "Hello, World!"


@app.get("/json")
async def json_endpoint() -> Message:
    return Message(message="Hello, World!")


@app.get("/db")
async def single(session: Session) -> WorldOut:
    return out([await one_world(session)])[0]


@app.get("/queries")
async def queries(session: Session, queries: str | None = None) -> list[WorldOut]:
    return out(await many_worlds(session, clamp_queries(queries)))


@app.get("/updates")
async def updates(session: Session, queries: str | None = None) -> list[WorldOut]:
    return out(await update_worlds(session, clamp_queries(queries)))


@app.get("/fortunes", response_class=HTMLResponse)
async def fortunes(request: Request, session: Session) -> HTMLResponse:
    return templates.TemplateResponse(
        request, FORTUNES_TEMPLATE, {"fortunes": await sorted_fortunes(session)}
    )


@app.get("/cached-queries")
async def cached_queries(count: str | None = None) -> list[WorldOut]:
    return out(await cached_worlds(clamp_queries(count)))
