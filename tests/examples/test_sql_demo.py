"""The demo app's guestbook: a database-backed page with no set-up command."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from surge.testing import TestClient

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


@pytest.fixture
async def demo(tmp_path, monkeypatch):
    database = tmp_path / "demo.db"
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv(
        "SQL_DATABASE", json.dumps({"DATABASE_URI": f"sqlite+aiosqlite:///{database}", "CREATE_ALL": True})
    )
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    assert not database.exists()  # nothing prepared: startup creates the file and its table
    async with TestClient(Application()) as client:
        yield client, database


async def test_guestbook_stores_and_pages_signatures(demo):
    client, database = demo
    page = await client.get("/guestbook")
    assert page.status_code == 200
    assert "0 signatures" in page.text
    for index in range(7):
        res = await client.post("/guestbook", data={"name": f"guest {index}", "message": f"hello <{index}>"})
        assert res.status_code == 303
        assert res.headers["location"] == "/guestbook"
    first = (await client.get("/guestbook")).text
    assert "7 signatures" in first and "Page 1 of 2" in first
    assert "<strong>guest 6</strong>: hello &lt;6&gt;" in first  # newest first, escaped
    assert "guest 1<" not in first
    second = (await client.get("/guestbook", params={"page": 2})).text
    assert "<strong>guest 0</strong>" in second and "Older" not in second
    assert (await client.post("/guestbook", data={"name": "", "message": "x"})).status_code == 422
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM guestbook_entries").fetchone() == (7,)
