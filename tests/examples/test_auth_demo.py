"""The demo app's login page, protected page and role-protected API."""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from surge.testing import TestClient

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


@pytest.fixture
async def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TestClient]:
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    database = tmp_path / "demo.db"
    monkeypatch.setenv("SQL_DATABASE", f'{{"DATABASE_URI": "sqlite+aiosqlite:///{database}", "CREATE_ALL": true}}')
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    async with TestClient(Application()) as test_client:
        yield test_client


def page_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, html
    return match.group(1)


async def log_in(client: TestClient, username: str, password: str, next_page: str = "") -> Any:
    token = page_token((await client.get("/account/login")).text)
    form = {"username": username, "password": password, "csrf_token": token, "next": next_page}
    return await client.post("/account/login", data=form, follow_redirects=True)


async def test_protected_page_sends_anonymous_users_to_the_login_page(client: TestClient) -> None:
    response = await client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/login?next=%2Faccount"


async def test_login_page_flow(client: TestClient) -> None:
    login_page = await client.get("/account/login")
    assert '<input type="hidden" name="csrf_token"' in login_page.text
    assert "Path=/account" in login_page.headers["set-cookie"]
    wrong = await log_in(client, "ann", "not-her-password")
    assert "Wrong username or password." in wrong.text
    page = await log_in(client, "ann", "ann-demo-password", next_page="/account")
    assert str(page.url).endswith("/account")
    assert "<h1>Hello, Ann Admin</h1>" in page.text
    assert "Welcome back, Ann Admin!" in page.text
    assert "roles: admin, user" in page.text
    assert "Welcome back" not in (await client.get("/account")).text  # flashed once


async def test_open_redirect_after_login_is_refused(client: TestClient) -> None:
    page = await log_in(client, "bob", "bob-demo-password", next_page="https://evil.example/")
    assert str(page.url).endswith("/account")


async def test_logout_needs_the_csrf_token(client: TestClient) -> None:
    page = await log_in(client, "bob", "bob-demo-password")
    refused = await client.post("/account/logout")
    assert refused.status_code == 403
    await client.post("/account/logout", data={"csrf_token": page_token(page.text)})
    assert (await client.get("/account")).status_code == 303


async def test_role_protected_api(client: TestClient) -> None:
    admin = await client.post("/api/auth/token", json={"username": "ann", "password": "ann-demo-password"})
    user = await client.post("/api/auth/token", json={"username": "bob", "password": "bob-demo-password"})
    wrong = await client.post("/api/auth/token", json={"username": "bob", "password": "nope"})
    stats = await client.get("/api/admin/stats", headers={"Authorization": f"Bearer {admin.json()['access_token']}"})
    forbidden = await client.get("/api/admin/stats", headers={"Authorization": f"Bearer {user.json()['access_token']}"})
    anonymous = await client.get("/api/admin/stats")
    assert wrong.status_code == 401
    assert stats.json() == {"users": 2, "admins": ["ann"]}
    assert forbidden.status_code == 403
    assert anonymous.status_code == 401
    assert anonymous.json() == {"status": "error", "message": "Login required"}


async def test_token_endpoint_is_rate_limited(client: TestClient) -> None:
    statuses = [
        (await client.post("/api/auth/token", json={"username": "ann", "password": f"guess-{i}"})).status_code
        for i in range(6)
    ]
    assert statuses == [401] * 5 + [429]


async def test_security_headers_and_other_forms_unaffected(client: TestClient) -> None:
    home = await client.get("/")
    assert home.headers["x-frame-options"] == "DENY"
    assert home.headers["x-content-type-options"] == "nosniff"
    await log_in(client, "ann", "ann-demo-password")
    signed = await client.post("/guestbook/", data={"name": "Ann", "message": "hi"}, follow_redirects=True)
    assert signed.status_code == 200  # the session cookie is scoped to /account: no CSRF token needed here
