"""Raw ASGI + asyncpg: the ceiling for the TechEmpower test types.

No routing table, no ORM, no middleware: a dict lookup on the path, asyncpg with its
statement cache (prepared statements), ``executemany`` for /updates, a Jinja2 template
rendered directly, and a dict of world rows for /cached-queries (filled at startup).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import asyncpg
import jinja2

from tfb._tfb_common import (
    DSN,
    EXTRA_FORTUNE,
    FORTUNES_TEMPLATE,
    POOL_SIZE,
    TEMPLATES_DIR,
    clamp_queries,
    random_ids,
    random_number,
)

SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = $1"
UPDATE_WORLD = "UPDATE world SET randomnumber = $2 WHERE id = $1"
SELECT_FORTUNES = "SELECT id, message FROM fortune"

_TEXT = [(b"content-type", b"text/plain; charset=utf-8")]
_JSON = [(b"content-type", b"application/json")]
_HTML = [(b"content-type", b"text/html; charset=utf-8")]
_template = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True).get_template(
    FORTUNES_TEMPLATE
)
_state: dict = {}
_cache: dict[int, dict[str, int]] = {}


async def _send(send, headers, body: bytes, status: int = 200) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": headers + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _param(scope, name: str) -> str | None:
    values = parse_qs(scope["query_string"].decode("latin-1")).get(name)
    return values[0] if values else None


async def plaintext(scope, send) -> None:
    await _send(send, _TEXT, b"Hello, World!")


async def json_endpoint(scope, send) -> None:
    await _send(send, _JSON, json.dumps({"message": "Hello, World!"}).encode())


async def single(scope, send) -> None:
    async with _state["pool"].acquire() as conn:
        row = await conn.fetchrow(SELECT_WORLD, random_ids(1)[0])
    await _send(send, _JSON, json.dumps({"id": row[0], "randomNumber": row[1]}).encode())


async def queries(scope, send) -> None:
    ids = random_ids(clamp_queries(_param(scope, "queries")))
    async with _state["pool"].acquire() as conn:
        stmt = await conn.prepare(SELECT_WORLD)
        worlds = [{"id": i, "randomNumber": await stmt.fetchval(i, column=1)} for i in ids]
    await _send(send, _JSON, json.dumps(worlds).encode())


async def updates(scope, send) -> None:
    ids = sorted(random_ids(clamp_queries(_param(scope, "queries"))))
    async with _state["pool"].acquire() as conn:
        stmt = await conn.prepare(SELECT_WORLD)
        for i in ids:
            await stmt.fetchval(i, column=1)  # each row is read, as the test type requires
        pairs = [(i, random_number()) for i in ids]
        await conn.executemany(UPDATE_WORLD, pairs)
    await _send(send, _JSON, json.dumps([{"id": i, "randomNumber": n} for i, n in pairs]).encode())


async def fortunes(scope, send) -> None:
    async with _state["pool"].acquire() as conn:
        rows = [tuple(r) for r in await conn.fetch(SELECT_FORTUNES)]
    rows.append((0, EXTRA_FORTUNE))
    rows.sort(key=lambda r: r[1])
    html = _template.render(fortunes=[{"id": i, "message": m} for i, m in rows])
    await _send(send, _HTML, html.encode())


async def cached_queries(scope, send) -> None:
    worlds = []
    for i in random_ids(clamp_queries(_param(scope, "count"))):
        world = _cache.get(i)
        if world is None:
            async with _state["pool"].acquire() as conn:
                row = await conn.fetchrow(SELECT_WORLD, i)
            world = _cache[i] = {"id": row[0], "randomNumber": row[1]}
        worlds.append(world)
    await _send(send, _JSON, json.dumps(worlds).encode())


ROUTES = {
    "/plaintext": plaintext,
    "/json": json_endpoint,
    "/db": single,
    "/queries": queries,
    "/updates": updates,
    "/fortunes": fortunes,
    "/cached-queries": cached_queries,
}


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _state["pool"] = pool = await asyncpg.create_pool(DSN, min_size=POOL_SIZE, max_size=POOL_SIZE)
            for i, n in await pool.fetch("SELECT id, randomnumber FROM world"):
                _cache[i] = {"id": i, "randomNumber": n}
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _state.pop("pool").close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    handler = ROUTES.get(scope["path"])
    if handler is None or scope["method"] != "GET":
        await _send(send, _TEXT, b"Not Found", 404)
        return
    await handler(scope, send)
