"""Shared SQLite fixture for the GET /db endpoint.

Every app (whatever its framework) uses plain SQLAlchemy 2.x async ORM on
SQLite through aiosqlite: a table ``rows(id int pk, name text)`` in a file
database under a fresh temp dir, seeded with 100 rows at startup. Handlers
open an ``AsyncSession`` per request and read the first 10 rows.

Only the fixture (engine, schema, seed) is shared so that the *data path* is
identical; how the session reaches the handler is left idiomatic per app.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

N_ROWS = 100
N_RETURN = 10


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)


FIRST_ROWS = select(Row).order_by(Row.id).limit(N_RETURN)


class BenchDB:
    """Owns the temp dir, the engine and the session factory of one process."""

    def __init__(self) -> None:
        self.tmpdir: str | None = None
        self.engine: AsyncEngine | None = None
        self.sessionmaker: async_sessionmaker[AsyncSession] | None = None

    async def startup(self) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="surge-bench-db-")
        path = os.path.join(self.tmpdir, "bench.db")
        self.engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with self.sessionmaker() as session, session.begin():
            session.add_all(Row(id=i, name=f"row{i}") for i in range(1, N_ROWS + 1))

    async def shutdown(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    async def first_rows(self, session: AsyncSession) -> list[dict[str, object]]:
        rows = (await session.execute(FIRST_ROWS)).scalars().all()
        return [{"id": r.id, "name": r.name} for r in rows]


db = BenchDB()
