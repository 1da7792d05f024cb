"""The demo app's admin: behind its login, for admins only, out of the OpenAPI document."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from surge_admin_app import csrf_from

from surge.testing import TestClient

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
ADMIN = "/account/admin"


@pytest.fixture
async def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TestClient]:
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("SQL_DATABASE", f'{{"DATABASE_URI": "sqlite+aiosqlite:///{tmp_path / "demo.db"}", "CREATE_ALL": true}}')
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    async with TestClient(Application()) as test_client:
        yield test_client


async def _log_in(client: TestClient, username: str) -> Any:
    """Log in through the admin's own login page (it posts to the demo's login endpoint)."""
    page = await client.get(f"{ADMIN}/login", params={"next": f"{ADMIN}/"})
    assert 'id="admin-login-form"' in page.text and 'action="/account/login"' in page.text
    form = {"username": username, "password": f"{username}-demo-password", "csrf_token": csrf_from(page.text), "next": f"{ADMIN}/"}
    return await client.post("/account/login", data=form, follow_redirects=True)


async def test_anonymous_visitors_get_401_with_a_login_link(client: TestClient) -> None:
    response = await client.get(f"{ADMIN}/")
    assert response.status_code == 401 and 'id="login-link"' in response.text


async def test_an_admin_uses_the_dashboard(client: TestClient) -> None:
    overview = await _log_in(client, "ann")
    assert overview.status_code == 200 and str(overview.url).endswith(f"{ADMIN}/")
    assert 'id="nav-model-db-GuestbookEntry"' in overview.text and 'id="table-db-guestbook_entries"' in overview.text
    create_url = f"{ADMIN}/data/database/db/model/GuestbookEntry/create"
    form = await client.get(create_url)
    created = await client.post(create_url, data={"csrf_token": csrf_from(form.text), "name": "Ann", "message": "Hi"})
    assert created.status_code == 303
    listing = await client.get(f"{ADMIN}/data/database/db/model/GuestbookEntry")
    assert 'id="row-1"' in listing.text and "Hi" in listing.text
    for page in ("/files", "/task-managers/TASK_MANAGER", "/caches", "/email-clients", "/send-email?client=email-client"):
        assert (await client.get(ADMIN + page)).status_code == 200, page


async def test_a_user_without_the_admin_role_gets_403(client: TestClient) -> None:
    await _log_in(client, "bob")
    response = await client.get(f"{ADMIN}/")
    assert response.status_code == 403 and 'data-status="403"' in response.text


async def test_the_admin_is_not_in_the_openapi_document(client: TestClient) -> None:
    document = (await client.get("/openapi/specs.json")).json()
    assert document["paths"] and not [path for path in document["paths"] if path.startswith(ADMIN)]
