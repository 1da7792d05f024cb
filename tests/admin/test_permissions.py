"""Every page checks has_enter_permission and its own hook: 401 and 403 HTML pages, never a 500."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from surge_admin_app import ALL, build

from surge.admin import AdminDashboard
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient

BASE = "/admin/dashboard"
PAGES = [
    "/", "/databases", "/database/db", "/data/database/db/model/Item", "/data/database/db/model/Item/create",
    "/files", "/email-clients", "/send-email?client=email-client", "/task-managers", "/task-managers/TASK_MANAGER", "/caches",
]


async def _item(admin: Any) -> None:
    response = await admin.post_form(f"{BASE}/data/database/db/model/Item/create", {"name": "Hammer", "kind": "tool"})
    assert response.status_code == 303, response.text


@pytest.mark.parametrize("page", PAGES)
async def test_anonymous_gets_the_401_page_with_a_login_link(tmp_path: Any, page: str) -> None:
    app, _ = build(tmp_path)
    async with TestClient(app) as client:
        response = await client.get(BASE + page)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="error-page" data-status="401"' in response.text
    assert 'id="login-link"' in response.text


@pytest.mark.parametrize("page", PAGES)
async def test_a_user_who_may_not_enter_gets_403(admin: Any, page: str) -> None:
    await admin.login("mallory")
    response = await admin.client.get(BASE + page)
    assert response.status_code == 403
    assert 'data-status="403"' in response.text and "may not enter" in response.text


# hook -> (method, url) it guards; the admin passes, a user lacking only that right gets 403.
GUARDED = {
    "view": ("GET", "/data/database/db/model/Item"),
    "create": ("GET", "/data/database/db/model/Item/create"),
    "update": ("GET", "/data/database/db/model/Item/edit/id/1"),
    "delete": ("POST", "/data/database/db/model/Item/delete/id/1"),
    "email": ("GET", "/send-email?client=email-client"),
    "tasks": ("GET", "/task-managers/TASK_MANAGER"),
    "cache": ("POST", "/caches/CACHE/clear"),
    "files": ("GET", "/files"),
}


@pytest.mark.parametrize("right", sorted(GUARDED))
async def test_each_hook_guards_its_pages(admin: Any, right: str, caplog: pytest.LogCaptureFixture) -> None:
    await _item(admin)
    method, url = GUARDED[right]
    admin.dashboard.rights["limited"] = ALL - {right}
    await admin.login("limited")
    caplog.set_level(logging.INFO, logger="surge.admin")
    if method == "GET":
        response = await admin.client.get(BASE + url)
    else:
        response = await admin.post_form(BASE + url, {})
    assert response.status_code == 403, response.text
    assert "Permission denied" in response.text
    assert any(getattr(r, "admin_action", None) == "denied" for r in caplog.records)
    await admin.login("admin")
    response = await (admin.client.get(BASE + url) if method == "GET" else admin.post_form(BASE + url, {}))
    assert response.status_code in (200, 303), response.text


async def test_the_list_hides_buttons_the_hooks_refuse(admin: Any) -> None:
    await _item(admin)
    admin.dashboard.rights["reader"] = {"enter", "view"}
    await admin.login("reader")
    page = (await admin.client.get(f"{BASE}/data/database/db/model/Item")).text
    assert 'id="row-1"' in page
    assert 'id="create-link"' not in page and 'id="edit-1"' not in page
    detail = (await admin.client.get(f"{BASE}/data/database/db/model/Item/record/id/1")).text
    assert 'id="delete-button"' not in detail and 'id="edit-link"' not in detail


async def test_unknown_and_unregistered_models_are_404_pages(admin: Any) -> None:
    for url in ("/data/database/db/model/Nope", "/data/database/db/model/Secret", "/data/database/other/model/Item",
                "/data/database/db/model/Item/record/id/999"):
        response = await admin.client.get(BASE + url)
        assert response.status_code == 404, url
        assert 'data-status="404"' in response.text


async def test_get_all_permissions_reports_every_hook(admin: Any) -> None:
    from surge.http.request import Request

    admin.dashboard.rights["reader"] = {"enter", "view", "files"}

    class Fake:
        user = "reader"

    permissions = await admin.dashboard.get_all_permissions(Fake())  # type: ignore[arg-type]
    assert permissions["db"]["Item"] == {"VIEW": True, "CREATE": False, "UPDATE": False, "DELETE": False}
    assert permissions["files"] is True and permissions["CACHE"] is False and permissions["TASK_MANAGER"] is False
    assert Request is not None


def test_has_enter_permission_must_be_overridden(tmp_path: Any) -> None:
    from surge import BaseConfig, Surge
    from surge.security import Sessions

    app = Surge(configs=BaseConfig(SECRET_KEY="x" * 40, ADMIN_DASHBOARD={"URL_FOR_FOR_LOGIN": "a", "URL_FOR_FOR_LOGOUT": "b"}))
    app.add_extension(Sessions())
    with pytest.raises(ImproperlyConfigured, match="has_enter_permission"):
        app.add_extension(AdminDashboard())


def test_sessions_are_required_and_keys_are_checked(tmp_path: Any) -> None:
    from surge import BaseConfig, Surge

    class Open(AdminDashboard):
        async def has_enter_permission(self, req: Any) -> bool:
            return True

    app = Surge(configs=BaseConfig(SECRET_KEY="x" * 40, ADMIN_DASHBOARD={"URL_FOR_FOR_LOGIN": "a", "URL_FOR_FOR_LOGOUT": "b"}))
    with pytest.raises(ImproperlyConfigured, match="list Sessions before"):
        app.add_extension(Open())
    app = Surge(configs=BaseConfig(SECRET_KEY="x" * 40, ADMIN_DASHBOARD={"URL_FOR_FOR_LOGOUT": "b"}))
    with pytest.raises(ImproperlyConfigured, match="ADMIN_DASHBOARD.URL_FOR_FOR_LOGIN"):
        app.add_extension(Open())


async def test_a_login_endpoint_that_does_not_exist_fails_at_startup(tmp_path: Any) -> None:
    from surge.testing._lifespan import LifespanFailed

    app, _ = build(tmp_path, URL_FOR_FOR_LOGIN="Nowhere.login")
    with pytest.raises(LifespanFailed, match="URL_FOR_FOR_LOGIN"):
        async with TestClient(app):
            pass
