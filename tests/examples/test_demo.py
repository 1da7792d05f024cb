"""The README's demo app works as the README says."""

import sys
from pathlib import Path

import pytest

from surge.testing import TestClient

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


@pytest.fixture
async def client(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    database = tmp_path / "demo.db"
    monkeypatch.setenv("SQL_DATABASE", f'{{"DATABASE_URI": "sqlite+aiosqlite:///{database}", "CREATE_ALL": true}}')
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    async with TestClient(Application()) as c:
        yield c


async def test_home_page(client) -> None:
    res = await client.get("/")
    assert res.status_code == 200
    assert "<h1>Surge demo</h1>" in res.text
    assert "x-process-time-ms" in res.headers


async def test_notes_api(client) -> None:
    created = await client.post("/api/notes/", json={"title": "First", "body": "hello"})
    assert created.status_code == 201
    note = created.json()
    assert (await client.get(f"/api/notes/{note['id']}")).json() == note
    assert (await client.get("/api/notes/?q=fir")).json() == [note]
    missing = await client.get("/api/notes/999")
    assert (missing.status_code, missing.json()) == (404, {"message": "Note 999 not found", "details": {"id": 999}})
    assert (await client.post("/api/notes/", json={"title": ""})).status_code == 422
    assert (await client.delete(f"/api/notes/{note['id']}")).status_code == 204


async def test_upload_form(client, tmp_path) -> None:
    page = await client.get("/upload")
    assert 'enctype="multipart/form-data"' in page.text
    res = await client.post(
        "/upload", data={"description": "a <b>note</b>"}, files={"document": ("../evil name.txt", b"content!")}
    )
    assert res.status_code == 201
    assert "Saved evil_name.txt (8 bytes, text/plain): a &lt;b&gt;note&lt;/b&gt;" in res.text  # secure_filename
    assert (tmp_path / "uploads" / "evil_name.txt").read_bytes() == b"content!"


async def test_static(client) -> None:
    assert (await client.get("/static/style.css")).status_code == 200


async def test_navigation_links_and_api_docs(client) -> None:
    page = (await client.get("/")).text
    for link in ("/upload", "/guestbook", "/contact", "/account", "/api/notes", "/openapi/docs"):
        assert f'href="{link}' in page
    assert (await client.get("/openapi/docs")).status_code == 200
    spec = (await client.get("/openapi/specs.json")).json()
    assert "/api/notes" in spec["paths"]
