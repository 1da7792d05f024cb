"""Starlette: a Route table, a lifespan, Jinja2Templates and SQLAlchemy async sessions."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from tfb._tfb_common import FORTUNES_TEMPLATE, TEMPLATES_DIR, clamp_queries
from tfb._tfb_sqla import cached_worlds, db, many_worlds, one_world, sorted_fortunes, update_worlds

templates = Jinja2Templates(directory=TEMPLATES_DIR)


async def plaintext(request: Request) -> Response:
    return PlainTextResponse("Hello, World!")


async def json_endpoint(request: Request) -> Response:
    return JSONResponse({"message": "Hello, World!"})


async def single(request: Request) -> Response:
    async with db.sessionmaker() as session:
        return JSONResponse(await one_world(session))


async def queries(request: Request) -> Response:
    async with db.sessionmaker() as session:
        return JSONResponse(await many_worlds(session, clamp_queries(request.query_params.get("queries"))))


async def updates(request: Request) -> Response:
    async with db.sessionmaker() as session:
        return JSONResponse(await update_worlds(session, clamp_queries(request.query_params.get("queries"))))


async def fortunes(request: Request) -> Response:
    async with db.sessionmaker() as session:
        rows = await sorted_fortunes(session)
    return templates.TemplateResponse(request, FORTUNES_TEMPLATE, {"fortunes": rows})


async def cached_queries(request: Request) -> Response:
    return JSONResponse(await cached_worlds(clamp_queries(request.query_params.get("count"))))


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    await db.startup()
    try:
        yield
    finally:
        await db.shutdown()


app = Starlette(
    routes=[
        Route("/plaintext", plaintext),
        Route("/json", json_endpoint),
        Route("/db", single),
        Route("/queries", queries),
        Route("/updates", updates),
        Route("/fortunes", fortunes),
        Route("/cached-queries", cached_queries),
    ],
    lifespan=lifespan,
)
