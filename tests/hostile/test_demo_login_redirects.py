"""The demo's login flow never redirects off-site, whatever ``next`` says (a user copies this flow)."""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from surge.testing import TestClient

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
pytestmark = pytest.mark.hostile

HOSTILE_NEXT = [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "/\t/evil.example",
    " //evil.example", "/\r\nX-Injected: 1", "/%0D%0AX-Injected:%201\r\n", "http:evil.example", "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "///evil.example", "/\\/evil.example", "\x00//evil.example", "evil.example",
    "https:/evil.example", "/\x0b/evil.example", "/ /evil.example",
]


@pytest.fixture
async def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TestClient]:
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("SQL_DATABASE", f'{{"DATABASE_URI": "sqlite+aiosqlite:///{tmp_path / "demo.db"}", "CREATE_ALL": true}}')
    monkeypatch.setenv("RATE_LIMITER", '{"BACKEND": "memory", "ENABLED": false}')  # many logins in one test
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    async with TestClient(Application()) as test_client:
        yield test_client


async def login_redirect(client: TestClient, next_page: str) -> str:
    page = (await client.get("/account/login")).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None, page
    form = {"username": "bob", "password": "bob-demo-password", "csrf_token": token.group(1), "next": next_page}
    response = await client.post("/account/login", data=form)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def stays_on_site(location: str) -> bool:
    """Where a lenient browser goes (a backslash read as a slash) is this site, and the header is one line."""
    base = "http://testserver.local/account/login"
    resolved = urlsplit(urljoin(base, location.replace("\\", "/").strip()))
    return resolved.netloc == "testserver.local" and resolved.scheme == "http" and location.isprintable()


async def test_hostile_next_never_leaves_the_site(client: TestClient) -> None:
    landed = {next_page: await login_redirect(client, next_page) for next_page in HOSTILE_NEXT}
    assert {page: location for page, location in landed.items() if not stays_on_site(location)} == {}
    assert landed["//evil.example/"] == landed["/\\evil.example/"] == "/account"


def test_the_site_check_itself() -> None:
    assert not stays_on_site("//evil.example/") and not stays_on_site("/\\evil.example")
    assert not stays_on_site("/\r\nX: 1") and stays_on_site("/account") and stays_on_site("account")


async def test_local_next_is_followed(client: TestClient) -> None:
    local = ["/guestbook", "/account?tab=1", "/api/notes/1#x"]
    assert [await login_redirect(client, next_page) for next_page in local] == local
