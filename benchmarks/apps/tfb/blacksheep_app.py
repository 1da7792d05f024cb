"""BlackSheep: module-level route decorators, the lifespan helper, its Jinja2 renderer and view()."""

from __future__ import annotations

from blacksheep import Application, Request, Response, get, json, text
from blacksheep.server.rendering.jinja2 import JinjaRenderer
from blacksheep.server.responses import view
from blacksheep.settings.html import html_settings
from jinja2 import FileSystemLoader

from tfb._tfb_common import TEMPLATES_DIR, clamp_queries
from tfb._tfb_sqla import cached_worlds, db, many_worlds, one_world, sorted_fortunes, update_worlds

app = Application()
# BlackSheep looks templates up as "<name>.jinja" (templates/fortunes.jinja links fortunes.html).
html_settings.use(JinjaRenderer(FileSystemLoader(TEMPLATES_DIR)))


@app.lifespan
async def database():
    await db.startup()
    yield
    await db.shutdown()


@get("/plaintext")
async def plaintext() -> Response:
    return text("Hello, World!")


@get("/json")
async def json_endpoint() -> Response:
    return json({"message": "Hello, World!"})


@get("/db")
async def single() -> Response:
    async with db.sessionmaker() as session:
        return json(await one_world(session))


@get("/queries")
async def queries(request: Request) -> Response:
    async with db.sessionmaker() as session:
        return json(await many_worlds(session, clamp_queries(request.query.get("queries", [None])[0])))


@get("/updates")
async def updates(request: Request) -> Response:
    async with db.sessionmaker() as session:
        return json(await update_worlds(session, clamp_queries(request.query.get("queries", [None])[0])))


@get("/fortunes")
async def fortunes() -> Response:
    async with db.sessionmaker() as session:
        rows = await sorted_fortunes(session)
    return view("fortunes", {"fortunes": rows})


@get("/cached-queries")
async def cached_queries(request: Request) -> Response:
    return json(await cached_worlds(clamp_queries(request.query.get("count", [None])[0])))
