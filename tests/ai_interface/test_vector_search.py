"""VectorColumn and nearest-neighbour search: sqlite-vec on SQLite always, pgvector on PostgreSQL when
the server has the ``vector`` extension; ``ai.search`` and ``rag_messages`` through a real app whose
embeddings come from the local OpenAI-compatible fake (bag-of-words vectors)."""

from __future__ import annotations

import sqlite3
from typing import Any

import asyncpg
import pytest
from sqlalchemy import String
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Mapped, mapped_column

from surge import Request, Response
from surge.ai_interface import AiInterface
from surge.ai_interface.embeddings import VectorColumn, cosine_distance, l2_distance
from surge.ai_interface.search import rag_messages
from surge.controller import Controller, get, path
from surge.database import create_declerative_base
from surge.database.sql import SqlDatabase
from surge.testing import TestClient

from openai_fake_server import FakeOpenAI, fake_vector
from sql_targets import postgres_schema_target, run_in_thread, sqlite_target
from surge_testkit import POSTGRES_URL, make_app, require_service

notes_db = SqlDatabase(db_name="notes_db", configs_name="NOTES_DB")
Base = create_declerative_base("notes_db")


class Note(Base):
    __tablename__ = "vector_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(200))
    embedding: Mapped[list[float]] = mapped_column(VectorColumn(16))


class NotesAi(AiInterface):
    pass


ai = NotesAi()

NOTES = [
    ("pets", "the cat sleeps on the warm mat"),
    ("pets", "a dog barks at the mail carrier"),
    ("money", "stock markets fell sharply today"),
    ("money", "interest rates rise again this year"),
]


@path("/notes")
class NotesApi(Controller):
    @get("/search")
    async def search(self, req: Request) -> Response:
        """The two notes nearest to ``q``."""
        hits = await ai.search(Note, req.query_params.get("q", ""), k=2)
        return req.response.json([{"text": hit.row.text, "distance": round(hit.distance, 4)} for hit in hits])


def notes_app(section: dict[str, Any], base_url: str) -> Any:
    app = make_app(
        NotesApi,
        NOTES_DB={**section, "CREATE_ALL": True},
        AI_INTERFACE={"API_KEY": "sk-test", "API_BASE_URL": base_url, "EMBEDDING_DIMENSIONS": 16,
                      "EMBEDDING_BATCH_SIZE": 3},
    )
    app.models.append(Note)
    app.add_extension(notes_db)
    app.add_extension(ai)
    return app


async def fill_notes() -> None:
    vectors = await ai.embed([text for _, text in NOTES])
    async with notes_db.create_session() as session:
        for (topic, text), vector in zip(NOTES, vectors, strict=True):
            session.add(Note(topic=topic, text=text, embedding=vector))
        await session.commit()


async def check_search(client: TestClient, server: FakeOpenAI) -> None:
    await fill_notes()
    # 4 texts in batches of 3: two /embeddings requests, with the configured model and dimensions
    assert [len(r.body["input"]) for r in server.embedding_requests] == [3, 1]
    assert server.embedding_requests[0].body["model"] == "text-embedding-3-small"
    assert server.embedding_requests[0].body["dimensions"] == 16

    res = await client.get("/notes/search", params={"q": "where does the cat sleep"})
    assert res.status_code == 200
    found = res.json()
    assert found[0]["text"] == "the cat sleeps on the warm mat"
    query = fake_vector("where does the cat sleep")
    assert found[0]["distance"] == pytest.approx(cosine_distance(query, fake_vector(NOTES[0][1])), abs=1e-3)
    assert found[0]["distance"] <= found[1]["distance"]

    async with notes_db.create_session() as session:
        stored = await Note.query(session).filter_by(id=3).one()
        assert stored.embedding == fake_vector(NOTES[2][1])  # round-trips as list[float]
        target = fake_vector("interest rates and stock markets")
        hits = await Note.query(session).filter_by(topic="money").nearest(Note.embedding, target, k=10, metric="l2")
        assert [hit.row.topic for hit in hits] == ["money", "money"]
        assert [round(hit.distance, 4) for hit in hits] == sorted(
            round(l2_distance(target, fake_vector(hit.row.text)), 4) for hit in hits
        )
        with pytest.raises(StatementError, match="expected a vector of 16 floats"):
            session.add(Note(topic="bad", text="too short", embedding=[1.0, 2.0]))
            await session.flush()


async def test_sqlite_vec_search_through_an_app(tmp_path: Any) -> None:
    target = sqlite_target(tmp_path, "notes.db")
    async with FakeOpenAI() as server:
        async with TestClient(notes_app(target.section(), server.base_url)) as client:
            await check_search(client, server)
    with sqlite3.connect(target.sqlite_path or "") as conn:
        columns = {row[1]: row[2] for row in conn.execute("PRAGMA table_info(vector_notes)")}
        indexes = conn.execute("PRAGMA index_list(vector_notes)").fetchall()
    assert columns["embedding"] == "BLOB"  # float32 values, sqlite-vec's format
    assert indexes == []  # the HNSW index is PostgreSQL's only


def pgvector_available() -> bool:
    async def check() -> bool:
        conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            if await conn.fetchval("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'") is None:
                return False
            await conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            return True
        finally:
            await conn.close()

    return bool(run_in_thread(check))


async def test_pgvector_search_and_hnsw_index() -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if not pgvector_available():
        pytest.skip("the PostgreSQL on 127.0.0.1 lacks the pgvector extension ('vector'): CREATE EXTENSION vector is not available")
    with postgres_schema_target(POSTGRES_URL, "vec") as target:
        target.engine_options = {"connect_args": {"server_settings": {"search_path": f"{target.schema},public"}}}
        async with FakeOpenAI() as server:
            async with TestClient(notes_app(target.section(), server.base_url)) as client:
                await check_search(client, server)
        indexes = await target.fetch(
            f"SELECT indexdef FROM pg_indexes WHERE schemaname = '{target.schema}' AND tablename = 'vector_notes'"
        )
        assert any("hnsw" in row[0] and "vector_cosine_ops" in row[0] for row in indexes)


def test_rag_messages_number_the_hits() -> None:
    class Row:
        def __init__(self, text: str) -> None:
            self.text = text

    hits = [(Row("Bled is in Slovenia."), 0.1), (Row("Lakes are cold in March."), 0.3)]
    messages = rag_messages("Where is Bled?", hits, history=[{"role": "user", "content": "hi"}])
    assert [m["role"] for m in messages] == ["system", "user", "user"]
    assert "[1] Bled is in Slovenia.\n[2] Lakes are cold in March." in messages[0]["content"]
    assert messages[-1] == {"role": "user", "content": "Where is Bled?"}
    assert "(none found)" in rag_messages("x", [], text=lambda row: row)[0]["content"]


def test_vector_column_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="dimensions"):
        VectorColumn(0)
    with pytest.raises(ValueError, match="unknown vector metric"):
        VectorColumn(3, index="dot")  # type: ignore[arg-type]


def test_postgresql_sql_uses_pgvector_operators_and_an_hnsw_index() -> None:
    """What PostgreSQL receives, checked without a server (the live test above needs pgvector)."""
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    assert "embedding VECTOR(16) NOT NULL" in str(CreateTable(Note.__table__).compile(dialect=dialect))
    (index,) = [i for i in Note.__table__.indexes if i.name == "ix_vector_notes_embedding_cosine"]
    assert str(CreateIndex(index).compile(dialect=dialect)) == (
        "CREATE INDEX ix_vector_notes_embedding_cosine ON vector_notes USING hnsw (embedding vector_cosine_ops)"
    )
    query = select(Note.id).order_by(Note.embedding.l2_distance([0.5] * 16))
    assert "ORDER BY (vector_notes.embedding <-> %(param_1)s)" in str(query.compile(dialect=dialect))
    bind = Note.__table__.c.embedding.type.bind_processor(dialect)
    assert bind([1, 2.5] + [0] * 14) == "[1.0,2.5," + ",".join(["0.0"] * 14) + "]"
