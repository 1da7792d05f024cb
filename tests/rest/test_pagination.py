"""Pagination: page numbers and cursors (keyset, tamper-proof)."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
from sqlalchemy import event

from surge.rest import ConfigurationError, Field, Filtering, Pagination, RestEndpoint
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class PostEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    body: str = Field(default="")

    class Meta:
        pagination = Pagination(style="page_number", page_size=3)
        filtering = Filtering(fields=["body"], ordering=["title"])


async def test_page_number_pagination(target: Target) -> None:
    async with TestClient(rest_app(target, {"/posts": PostEndpoint})) as client:
        for index in range(8):
            await client.post("/posts", json={"title": f"t{index}", "body": "odd" if index % 2 else "even"})
        first = (await client.get("/posts")).json()
        assert first["count"] == 8 and first["pages"] == 3
        assert [row["title"] for row in first["results"]] == ["t0", "t1", "t2"]
        assert first["previous"] is None
        assert first["next"] == "http://testserver/posts?page=2"
        second = (await client.get("/posts?page=2")).json()
        assert [row["title"] for row in second["results"]] == ["t3", "t4", "t5"]
        assert second["previous"] == "http://testserver/posts?page=1" and second["next"] == "http://testserver/posts?page=3"
        last = (await client.get("/posts?page=3")).json()
        assert [row["title"] for row in last["results"]] == ["t6", "t7"] and last["next"] is None
        beyond = (await client.get("/posts?page=9")).json()
        assert beyond["results"] == [] and beyond["count"] == 8 and beyond["next"] is None
        filtered = (await client.get("/posts?body=odd&ordering=-title&page=2")).json()
        assert filtered["count"] == 4 and [row["title"] for row in filtered["results"]] == ["t1"]
        assert filtered["previous"] == "http://testserver/posts?body=odd&ordering=-title&page=1"
        assert (await client.get("/posts?page=0")).status_code == 422
        assert (await client.get("/posts?page=x")).status_code == 422


class FeedEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    score: int = Field(default=0, index=True)

    class Meta:
        pagination = Pagination(style="cursor", page_size=4)
        filtering = Filtering(ordering=["score", "title"])


async def _walk(client: Any, url: str) -> tuple[list[str], list[str | None]]:
    seen: list[str] = []
    cursors: list[str | None] = []
    response = (await client.get(url)).json()
    for _ in range(20):
        seen.extend(row["title"] for row in response["results"])
        cursors.append(response["previous"])
        if response["next"] is None:
            break
        joiner = "&" if "?" in url else "?"
        response = (await client.get(f"{url}{joiner}cursor={response['next']}")).json()
    return seen, cursors


async def test_cursor_pagination_walks_every_row_once(target: Target) -> None:
    async with TestClient(rest_app(target, {"/feed": FeedEndpoint})) as client:
        for index in range(10):
            await client.post("/feed", json={"title": f"f{index:02d}", "score": index % 3})
        seen, previous = await _walk(client, "/feed")
        assert seen == [f"f{index:02d}" for index in range(10)]
        assert previous[0] is None and all(previous[1:])
        by_score, _ = await _walk(client, "/feed?ordering=-score")
        expected = sorted((f"f{i:02d}" for i in range(10)), key=lambda t: (-(int(t[1:]) % 3), int(t[1:])))
        assert by_score == expected

        page1 = (await client.get("/feed")).json()
        page2 = (await client.get(f"/feed?cursor={page1['next']}")).json()
        back = (await client.get(f"/feed?cursor={page2['previous']}")).json()
        assert back["results"] == page1["results"]
        assert back["previous"] is None and back["next"] is not None


async def test_cursor_is_refused_when_forged_or_for_another_ordering(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/feed": FeedEndpoint})) as client:
        for index in range(6):
            await client.post("/feed", json={"title": f"f{index}", "score": index})
        cursor = (await client.get("/feed")).json()["next"]
        other = await client.get(f"/feed?ordering=title&cursor={cursor}")
        assert other.status_code == 400 and other.json() == {"detail": "invalid cursor"}
        for forged in ("garbage!", base64.urlsafe_b64encode(orjson.dumps({"d": "n", "o": "", "k": ["x"]})).decode()):
            response = await client.get(f"/feed?cursor={forged}")
            assert response.status_code == 400 and response.json() == {"detail": "invalid cursor"}


async def test_cursor_queries_are_keyset_without_offset(target: Target) -> None:
    """What makes page 2,000 cost what page 1 does: WHERE on the key, LIMIT, never OFFSET,
    and the database's plan is an index search (see benchmarks/rest_cursor.py for timings)."""
    app = rest_app(target, {"/feed": FeedEndpoint})
    statements: list[tuple[str, Any]] = []
    async with TestClient(app) as client:
        for index in range(6):
            await client.post("/feed", json={"title": f"f{index}", "score": index})
        engine = app.extensions["sql_database"].engine.sync_engine

        def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
            statements.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", record)
        try:
            first = (await client.get("/feed")).json()
            await client.get(f"/feed?cursor={first['next']}")
        finally:
            event.remove(engine, "before_cursor_execute", record)
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2
    for statement, parameters in selects:  # SQLite always writes OFFSET: it must skip nothing
        assert "OFFSET" not in statement.upper() or list(parameters)[-1] == 0, (statement, parameters)
    assert "WHERE" in selects[1][0].upper() and "LIMIT" in selects[1][0].upper()
    if target.kind == "sqlite":
        plan = await target.fetch("EXPLAIN QUERY PLAN SELECT * FROM feedendpoints WHERE id > 3 ORDER BY id LIMIT 5")
        assert any("SEARCH" in str(row[-1]) and "PRIMARY KEY" in str(row[-1]) for row in plan), plan


def test_cursor_pagination_refuses_nullable_ordering() -> None:
    with pytest.raises(ConfigurationError, match=r"cursor pagination cannot order by nullable field\(s\) \['note'\]"):

        class Bad(RestEndpoint):
            note: str | None = None

            class Meta:
                pagination = Pagination(style="cursor")
                filtering = Filtering(ordering=["note"])
