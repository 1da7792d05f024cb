"""Litestar: route handlers, Provide for the SQLAlchemy session, TemplateConfig + Template."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar, MediaType, get
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.response import Template
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import AsyncSession

from tfb._tfb_common import FORTUNES_TEMPLATE, TEMPLATES_DIR, clamp_queries
from tfb._tfb_sqla import cached_worlds, db, many_worlds, one_world, sorted_fortunes, update_worlds


async def provide_session() -> AsyncIterator[AsyncSession]:
    async with db.sessionmaker() as session:
        yield session


@get("/plaintext", media_type=MediaType.TEXT)
async def plaintext() -> str:
    return "Hello, World!"


@get("/json")
async def json_endpoint() -> dict[str, str]:
    return {"message": "Hello, World!"}


@get("/db")
async def single(session: AsyncSession) -> dict[str, int]:
    return await one_world(session)


@get("/queries")
async def queries(session: AsyncSession, queries: str | None = None) -> list[dict[str, int]]:
    return await many_worlds(session, clamp_queries(queries))


@get("/updates")
async def updates(session: AsyncSession, queries: str | None = None) -> list[dict[str, int]]:
    return await update_worlds(session, clamp_queries(queries))


@get("/fortunes")
async def fortunes(session: AsyncSession) -> Template:
    return Template(template_name=FORTUNES_TEMPLATE, context={"fortunes": await sorted_fortunes(session)})


@get("/cached-queries")
async def cached_queries(count: str | None = None) -> list[dict[str, int]]:
    return await cached_worlds(clamp_queries(count))


app = Litestar(
    route_handlers=[plaintext, json_endpoint, single, queries, updates, fortunes, cached_queries],
    dependencies={"session": Provide(provide_session)},
    template_config=TemplateConfig(directory=Path(TEMPLATES_DIR), engine=JinjaTemplateEngine),
    on_startup=[db.startup],
    on_shutdown=[db.shutdown],
    openapi_config=None,
)
