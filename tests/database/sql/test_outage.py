"""The database goes away and comes back: 503 + Retry-After meanwhile, two log records, no lost write.

PostgreSQL is reached through a TCP proxy that the test owns (the shared server is never
stopped): cutting the proxy closes its listener and every open connection; restoring it listens
again on the same port. SQLite's counterpart is a file locked by another connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from loguru import logger
from sql_models import db
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request
from surge.controller import Controller, get, path, post
from surge.database import AsyncSession, create_declarative_base
from surge.testing import TestClient

from sql_targets import postgres_schema_target

Base = create_declarative_base("db")  # its own metadata: other tests' tables stay apart

class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(50), unique=True)


@path("/notes")
class NotesApi(Controller):
    @post("/<text>")
    @db.managed_session
    async def add(self, req: Request, text: str, session: AsyncSession) -> dict[str, Any]:
        session.add(Note(text=text))
        return {"text": text}

    @get("/")
    @db.readonly_session
    async def index(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        return {"notes": list(await session.scalars(select(Note.text).order_by(Note.id)))}


class TcpProxy:
    """127.0.0.1:<port> forwarded to a real service; ``cut`` is the outage, ``restore`` ends it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update((writer, up_writer))
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            asyncio.get_running_loop().create_task(self._pipe(source, sink))

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.close()

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        await self._server.wait_closed()
        self._server = None


@contextlib.contextmanager
def log_records() -> Iterator[list[Any]]:
    records: list[Any] = []
    sink = logger.add(lambda message: records.append(message.record), level="WARNING")
    try:
        yield records
    finally:
        logger.remove(sink)


async def test_postgresql_outage_is_503_then_recovers_without_losing_writes(postgres_url, make_app):
    proxy = TcpProxy(5432)
    await proxy.listen()
    proxied = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    assert proxied != postgres_url
    with postgres_schema_target(postgres_url, "surge_outage") as target, log_records() as records:
        section = target.section(CREATE_ALL=True, UNAVAILABLE_RETRY_AFTER=7)
        section["DATABASE_URI"] = proxied
        app = make_app(extensions=[db], models=[Note], controllers=[NotesApi], SQL_DATABASE=section)
        acknowledged: list[str] = []
        async with TestClient(app) as client:
            for i in range(3):
                res = await client.post(f"/notes/before-{i}")
                assert res.status_code == 200
                acknowledged.append(f"before-{i}")

            records.clear()  # from here on, only what the outage logs
            await proxy.cut()
            failed = 0
            for i in range(6):
                res = await (client.post(f"/notes/during-{i}") if i % 2 else client.get("/notes"))
                assert res.status_code == 503, res.text
                assert res.headers["Retry-After"] == "7"
                assert res.json() == {"status": "error", "message": "The database is unavailable, retry later"}
                failed += 1

            await proxy.listen()  # the same port again
            for i in range(3):
                res = await client.post(f"/notes/after-{i}")
                assert res.status_code == 200, res.text
                acknowledged.append(f"after-{i}")
            res = await client.get("/notes")
            assert res.status_code == 200
            assert res.json() == {"notes": acknowledged}
        await proxy.cut()
        rows = await target.fetch("SELECT text FROM notes ORDER BY id")
    assert [row[0] for row in rows] == acknowledged  # every acknowledged write, exactly once
    messages = [(record["level"].name, record["message"]) for record in records]
    assert len(messages) == 2, messages
    (start_level, start), (end_level, end) = messages
    assert start_level == "ERROR" and "database unavailable" in start and "SQL_DATABASE" in start
    assert end_level == "WARNING" and f"{failed} request(s) failed" in end
    assert all(record["exception"] is None for record in records)  # no traceback
    assert all("password" not in message for _, message in messages)


async def test_locked_sqlite_file_is_503(sqlite_target, make_app):
    section = sqlite_target.section(CREATE_ALL=True, ENGINE_OPTIONS={"connect_args": {"timeout": 0.05}})
    app = make_app(extensions=[db], models=[Note], controllers=[NotesApi], SQL_DATABASE=section)
    with log_records() as records:
        async with TestClient(app) as client:
            assert (await client.post("/notes/first")).status_code == 200
            records.clear()  # from here on, only what the lock logs
            locker = sqlite3.connect(sqlite_target.sqlite_path, isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")
            try:
                for i in range(3):
                    res = await client.post(f"/notes/locked-{i}")
                    assert res.status_code == 503, res.text
                    assert res.headers["Retry-After"] == "5"
            finally:
                locker.execute("ROLLBACK")
                locker.close()
            assert (await client.post("/notes/second")).status_code == 200
    assert await sqlite_target.fetch("SELECT text FROM notes ORDER BY id") == [("first",), ("second",)]
    messages = [record["message"] for record in records]
    assert len(messages) == 2, messages
    assert "database is locked" in messages[0] and "3 request(s) failed" in messages[1]


async def test_pooled_postgresql_connections_dropped_by_the_server_are_replaced_unseen(postgres_url, make_app):
    """A pooled connection the server closed (restart, killed backend) is never handed out:
    the requests right after it are answered 200 and no outage is logged."""
    proxy = TcpProxy(5432)
    await proxy.listen()
    proxied = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    with postgres_schema_target(postgres_url, "surge_dropped") as target, log_records() as records:
        section = target.section(CREATE_ALL=True, POOL_SIZE=3, MAX_OVERFLOW=0)
        section["DATABASE_URI"] = proxied
        app = make_app(extensions=[db], models=[Note], controllers=[NotesApi], SQL_DATABASE=section)
        async with TestClient(app) as client:
            results = await asyncio.gather(*(client.post(f"/notes/pooled-{i}") for i in range(3)))
            assert [res.status_code for res in results] == [200, 200, 200]  # three pooled connections
            records.clear()
            await proxy.cut()  # the server side of every pooled connection goes away...
            await proxy.listen()  # ...and the database is reachable again at once
            await asyncio.sleep(0.05)
            for i in range(4):
                res = await client.post(f"/notes/after-{i}")
                assert res.status_code == 200, res.text
            res = await client.get("/notes")
            assert res.status_code == 200
        await proxy.cut()
    assert res.json()["notes"][-4:] == [f"after-{i}" for i in range(4)]
    assert records == []
