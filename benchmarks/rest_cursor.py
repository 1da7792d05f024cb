"""Cursor pagination of a REST resource over 100,000 rows: page 1 vs page 2,000.

Keyset (cursor) pagination reads ``WHERE id > :last ORDER BY id LIMIT n``: the cost of a
page does not depend on how deep it is. Page-number pagination (``OFFSET``) is measured
beside it for contrast: its deep pages read and skip every earlier row.

    .venv/bin/python benchmarks/rest_cursor.py                   # SQLite file in a temp dir
    .venv/bin/python benchmarks/rest_cursor.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test

Writes benchmarks/results/rest_cursor.md. In-process (httpx over ASGI), so the numbers are
the framework plus the database, without a network.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from sqlalchemy import insert, text  # noqa: E402

from surge import BaseConfig, Surge  # noqa: E402
from surge.database.sql import SqlDatabase  # noqa: E402
from surge.rest import Field, Pagination, RestApi, RestEndpoint  # noqa: E402
from surge.testing import TestClient  # noqa: E402

ROWS = 100_000
PAGE_SIZE = 50
DEEP_PAGE = ROWS // PAGE_SIZE  # 2,000
REPEAT = 30


class CursorRowEndpoint(RestEndpoint):
    title: str = Field(min_length=1)

    class Meta:
        table = "bench_rows"
        pagination = Pagination(style="cursor", page_size=PAGE_SIZE)


class OffsetRowEndpoint(RestEndpoint):
    title: str = Field(min_length=1)

    class Meta:
        table = "bench_rows"
        pagination = Pagination(style="page_number", page_size=PAGE_SIZE)


async def _timed(client: Any, url: str) -> float:
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = await client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        assert len(response.json()["results"]) == PAGE_SIZE
    return statistics.median(samples) * 1000


async def run(uri: str, options: dict[str, Any]) -> dict[str, float]:
    db = SqlDatabase()
    rest = RestApi()
    rest.register({"/cursor": CursorRowEndpoint, "/offset": OffsetRowEndpoint})
    app = Surge(configs=BaseConfig(DEBUG=False, ACCESS_LOG=False, SQL_DATABASE={"DATABASE_URI": uri, "ENGINE_OPTIONS": options}))
    app.add_extension(db)
    app.add_extension(rest)
    async with TestClient(app) as client:
        table = CursorRowEndpoint._model_class.__table__
        async with db.engine.begin() as connection:
            await connection.execute(text("DELETE FROM bench_rows"))
            now = time.strftime("%Y-%m-%d %H:%M:%S")
            from datetime import datetime

            stamp = datetime.fromisoformat(now)
            batch = [{"title": f"row {i}", "version": 1, "created_at": stamp, "updated_at": stamp} for i in range(ROWS)]
            for start in range(0, ROWS, 10_000):
                await connection.execute(insert(table), batch[start : start + 10_000])
        # Walk to the deep page the way a client does: following `next`.
        cursors = {1: None}
        response = (await client.get("/cursor")).json()
        for page in range(2, DEEP_PAGE + 1):
            cursors[page] = response["next"]
            response = (await client.get(f"/cursor?cursor={response['next']}")).json()
        assert response["next"] is None and len(response["results"]) == PAGE_SIZE
        return {
            "cursor page 1": await _timed(client, "/cursor"),
            "cursor page 2": await _timed(client, f"/cursor?cursor={cursors[2]}"),
            f"cursor page {DEEP_PAGE}": await _timed(client, f"/cursor?cursor={cursors[DEEP_PAGE]}"),
            "offset page 1": await _timed(client, "/offset?page=1"),
            f"offset page {DEEP_PAGE}": await _timed(client, f"/offset?page={DEEP_PAGE}"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (a temporary schema is used)")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite (aiosqlite, file)"] = asyncio.run(run(f"sqlite+aiosqlite:///{folder}/bench.db", {}))
    if args.postgres:
        import asyncpg

        schema = f"surge_bench_{uuid.uuid4().hex[:8]}"
        dsn = args.postgres.replace("postgresql+asyncpg://", "postgresql://")

        async def ddl(sql: str) -> None:
            conn = await asyncpg.connect(dsn)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        asyncio.run(ddl(f'CREATE SCHEMA "{schema}"'))
        try:
            options = {"connect_args": {"server_settings": {"search_path": schema}}}
            results["PostgreSQL (asyncpg)"] = asyncio.run(run(args.postgres, options))
        finally:
            asyncio.run(ddl(f'DROP SCHEMA "{schema}" CASCADE'))
    lines = [
        "# REST cursor pagination: page 1 vs page 2,000",
        "",
        f"{ROWS:,} rows, {PAGE_SIZE} per page; each line is the median of {REPEAT} in-process GETs (ms).",
        "Page 1 has no cursor to decode and no WHERE clause; pages 2 and 2,000 run the same keyset query.",
        "Produced by `benchmarks/rest_cursor.py`.",
        "",
    ]
    for database, timings in results.items():
        lines += [f"## {database}", "", "| request | median ms |", "| --- | --- |"]
        lines += [f"| {name} | {value:.2f} |" for name, value in timings.items()]
        deep = timings[f"cursor page {DEEP_PAGE}"] / timings["cursor page 2"]
        offset = timings[f"offset page {DEEP_PAGE}"] / timings["offset page 1"]
        lines += [
            "",
            f"cursor page {DEEP_PAGE} / cursor page 2: {deep:.2f}x; offset page {DEEP_PAGE} / offset page 1: {offset:.2f}x",
            "",
        ]
    report = "\n".join(lines)
    print(report)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "rest_cursor.md")
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(report)


if __name__ == "__main__":
    main()
