"""Read-only sessions on PostgreSQL send no BEGIN until they write; writes still roll back.

Two ``txid_current()`` calls tell the two apart: outside BEGIN each statement is its own
transaction (two ids), after BEGIN both run in one (the same id).
"""

from __future__ import annotations

from typing import Any

from sql_models import db
from sqlalchemy import String, func, select, text
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request
from surge.controller import Controller, get, path, post
from surge.database import AsyncSession, create_declarative_base
from surge.testing import TestClient

from sql_targets import postgres_schema_target

Base = create_declarative_base("db")
XID = select(func.txid_current())


async def outside_transaction(session: AsyncSession) -> bool:
    """Whether two statements of ``session`` ran as two transactions."""
    return (await session.execute(XID)).scalar() != (await session.execute(XID)).scalar()


class Memo(Base):
    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(50))


@path("/memos")
class MemosApi(Controller):
    @get("/read")
    @db.readonly_session
    async def read(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        return {"outside_transaction": [await outside_transaction(session), await outside_transaction(session)]}

    @post("/write-then-read")
    @db.readonly_session
    async def write_then_read(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        before = await outside_transaction(session)
        session.add(Memo(text="discarded"))
        await session.flush()  # BEGIN goes out before the INSERT...
        seen = (await session.execute(select(func.count()).select_from(Memo))).scalar()
        after = await outside_transaction(session)  # ...and later reads are inside it
        return {"before": before, "after": after, "seen": seen}

    @post("/text-write")
    @db.readonly_session
    async def text_write(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        await session.execute(text("INSERT INTO memos (text) VALUES ('raw')"))
        return {"inside": not await outside_transaction(session)}

    @get("/stream")
    @db.readonly_session
    async def stream(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        result = await session.stream(select(func.generate_series(1, 3)))  # a server-side cursor
        return {"values": [row[0] async for row in result], "inside": not await outside_transaction(session)}

    @get("/managed")
    @db.managed_session
    async def managed(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        return {"outside_transaction": await outside_transaction(session)}


async def test_readonly_reads_skip_begin_and_writes_still_roll_back(postgres_url, make_app):
    with postgres_schema_target(postgres_url, "surge_lazy_begin") as target:
        section = target.section(CREATE_ALL=True, POOL_SIZE=1, MAX_OVERFLOW=0)  # one connection, reused
        app = make_app(extensions=[db], models=[Memo], controllers=[MemosApi], SQL_DATABASE=section)
        async with TestClient(app) as client:
            assert (await client.get("/memos/read")).json() == {"outside_transaction": [True, True]}
            res = await client.post("/memos/write-then-read")
            assert res.json() == {"before": True, "after": False, "seen": 1}
            assert (await client.post("/memos/text-write")).json() == {"inside": True}
            assert (await client.get("/memos/stream")).json() == {"values": [1, 2, 3], "inside": True}
            # the connection the writes used goes back to normal: managed sessions get a transaction
            assert (await client.get("/memos/managed")).json() == {"outside_transaction": False}
            assert (await client.get("/memos/read")).json() == {"outside_transaction": [True, True]}
        rows = await target.fetch("SELECT text FROM memos")
    assert rows == []  # nothing a read-only session wrote was kept


async def test_repeatable_read_keeps_its_transaction(postgres_url, make_app):
    with postgres_schema_target(postgres_url, "surge_lazy_rr") as target:
        section = target.section(CREATE_ALL=True, ENGINE_OPTIONS={"isolation_level": "REPEATABLE READ"})
        app = make_app(extensions=[db], models=[Memo], controllers=[MemosApi], SQL_DATABASE=section)
        async with TestClient(app) as client:
            assert (await client.get("/memos/read")).json() == {"outside_transaction": [False, False]}
