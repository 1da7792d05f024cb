"""The demo app's REST resource (examples/demo/app/resources.py) works as its docstring says."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from surge.testing import TestClient

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


@pytest.fixture
async def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("SQL_DATABASE", f'{{"DATABASE_URI": "sqlite+aiosqlite:///{tmp_path / "demo.db"}", "CREATE_ALL": true}}')
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    async with TestClient(Application()) as test_client:
        yield test_client


async def test_demo_tasks_resource(client: Any) -> None:
    created = await client.post("/api/v1/tasks", json={"title": "Write docs"})
    assert created.status_code == 201 and created.json()["done"] is False
    await client.post("/api/v1/tasks", json={"title": "Ship it", "done": True})
    page = (await client.get("/api/v1/tasks?done=false")).json()
    assert page["count"] == 1 and page["results"][0]["title"] == "Write docs"
    done = await client.patch("/api/v1/tasks/1", json={"done": True, "version": 1})
    assert done.status_code == 200 and done.json()["version"] == 2
    assert (await client.patch("/api/v1/tasks/1", json={"done": False, "version": 1})).status_code == 409
    assert (await client.get("/api/v1/tasks?done=true")).json()["count"] == 2
