"""Raw ASGI callable: the ceiling every framework is compared against.

No routing table, no middleware: a dict lookup on (method, path), a prefix
check for /users/<id>, stdlib json, pydantic for POST /items (the same
validation work every framework does) and the shared SQLAlchemy fixture.
"""

from __future__ import annotations

import json

from _bench_db import db
from pydantic import BaseModel, ValidationError


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


_TEXT = [(b"content-type", b"text/plain; charset=utf-8")]
_JSON = [(b"content-type", b"application/json")]
_HELLO = b"Hello, World!"
_HELLO_JSON = json.dumps({"message": "Hello, World!"}).encode()


async def _send(send, status: int, headers, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": headers + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await db.startup()
            except Exception as exc:  # pragma: no cover - reported to the server
                await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await db.shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send) -> None:
    kind = scope["type"]
    if kind == "lifespan":
        await _lifespan(receive, send)
        return
    if kind != "http":
        return
    method = scope["method"]
    path = scope["path"]
    if method == "GET":
        if path == "/plaintext":
            await _send(send, 200, _TEXT, _HELLO)
            return
        if path == "/json":
            await _send(send, 200, _JSON, _HELLO_JSON)
            return
        if path.startswith("/users/"):
            tail = path[7:]
            if tail.isdigit():
                uid = int(tail)
                body = json.dumps({"id": uid, "name": f"user{uid}"}).encode()
                await _send(send, 200, _JSON, body)
                return
        elif path == "/db":
            async with db.sessionmaker() as session:
                rows = await db.first_rows(session)
            await _send(send, 200, _JSON, json.dumps(rows).encode())
            return
    elif method == "POST" and path == "/items":
        raw = await _read_body(receive)
        try:
            item = Item.model_validate_json(raw)
        except ValidationError as exc:
            body = json.dumps({"detail": exc.errors(include_url=False, include_context=False)}).encode()
            await _send(send, 422, _JSON, body)
            return
        await _send(send, 201, _JSON, item.model_dump_json().encode())
        return
    await _send(send, 404, _TEXT, b"Not Found")
