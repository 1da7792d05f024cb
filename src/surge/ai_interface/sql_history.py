"""``SqlChatHistory``: conversations in a table of the app's ``SqlDatabase`` (any worker reads them).

The database is taken as any object with an ``engine`` (the ``SqlDatabase`` extension), so the
AI interface does not import the database extension. The table is created on first use when
it does not exist; with Alembic, generate it from :attr:`SqlChatHistory.table` instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from surge.ai_interface.history import ChatHistory
from surge.extension import require

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["EngineSource", "SqlChatHistory"]


class EngineSource(Protocol):
    """What the history needs of the database: its async engine (``SqlDatabase`` has one)."""

    @property
    def engine(self) -> AsyncEngine:
        """The SQLAlchemy async engine (available once the app has started)."""
        ...


class SqlChatHistory(ChatHistory):
    """One row per message in ``table_name`` (``id``, ``conversation_id``, ``message`` as JSON).

    ``load`` reads the newest ``max_messages`` of a conversation; ``HISTORY_MAX_TOKENS`` trims
    further when the prompt is built. A database that cannot be reached raises the database
    extension's error (503 with ``Retry-After``).
    """

    def __init__(self, db: EngineSource, table_name: str = "ai_chat_messages", *, max_messages: int = 200) -> None:
        require("sqlalchemy", "sql")
        from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, func

        if max_messages < 1:
            raise ValueError("max_messages must be at least 1")
        self.db = db
        self.max_messages = max_messages
        self.table: Table = Table(
            table_name,
            MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("conversation_id", String(255), nullable=False, index=True),
            Column("message", Text, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        )
        self._ready: AsyncEngine | None = None
        self._lock = asyncio.Lock()

    async def _engine(self) -> AsyncEngine:
        """The engine, with the table created on first use (once per engine)."""
        engine = self.db.engine
        if self._ready is not engine:
            async with self._lock:
                if self._ready is not engine:
                    async with engine.begin() as conn:
                        await conn.run_sync(self.table.create, checkfirst=True)
                    self._ready = engine
        return engine

    async def load(self, conversation_id: str) -> list[dict[str, Any]]:
        """The newest ``max_messages`` of the conversation, oldest first."""
        from sqlalchemy import select

        engine = await self._engine()
        table = self.table
        query = (
            select(table.c.message)
            .where(table.c.conversation_id == conversation_id)
            .order_by(table.c.id.desc())
            .limit(self.max_messages)
        )
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).scalars().all()
        return [json.loads(text) for text in reversed(rows)]

    async def append(self, conversation_id: str, messages: Iterable[Mapping[str, Any]]) -> None:
        """Insert the messages in order, in one transaction."""
        rows = [{"conversation_id": conversation_id, "message": json.dumps(dict(m))} for m in messages]
        if not rows:
            return
        engine = await self._engine()
        async with engine.begin() as conn:
            for row in rows:  # one statement each: ids follow the order on every backend
                await conn.execute(self.table.insert().values(**row))

    async def clear(self, conversation_id: str) -> None:
        """Delete the conversation's rows."""
        engine = await self._engine()
        async with engine.begin() as conn:
            await conn.execute(self.table.delete().where(self.table.c.conversation_id == conversation_id))
