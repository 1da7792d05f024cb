"""Every form of the dashboard carries a CSRF token; a POST without it (or with a forged one) is refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from surge_admin_app import Item

BASE = "/admin/dashboard"
POSTS = [
    ("/data/database/db/model/Item/create", {"name": "Kite", "kind": "toy"}),
    ("/data/database/db/model/Item/edit/id/1", {"name": "Changed", "kind": "toy", "quantity": "1", "_version": "1"}),
    ("/data/database/db/model/Item/delete/id/1", {}),
    ("/files/upload", {"path": ""}),
    ("/files/mkdir", {"path": "", "name": "new"}),
    ("/files/rename", {"path": "keep.txt", "new_name": "gone.txt"}),
    ("/files/delete", {"path": "keep.txt"}),
    ("/email-submit?client=email-client", {"to_address": "a@example.com", "subject": "s", "body": "b"}),
    ("/task-managers/TASK_MANAGER/pause/job", {}),
    ("/task-managers/TASK_MANAGER/resume/job", {}),
    ("/task-managers/TASK_MANAGER/run/job", {}),
    ("/caches/CACHE/clear", {}),
]


@pytest.mark.parametrize(("url", "data"), POSTS, ids=[url for url, _ in POSTS])
@pytest.mark.parametrize("token", [None, "forged", "other-session"])
async def test_posts_without_a_valid_token_are_refused(admin: Any, tmp_path: Any, url: str, data: dict[str, str],
                                                       token: str | None) -> None:
    (tmp_path / "files" / "keep.txt").write_text("keep")
    assert (await admin.post_form(f"{BASE}/data/database/db/model/Item/create", {"name": "Orig", "kind": "toy"})).status_code == 303
    if token == "other-session":
        token = await admin.token()
        await admin.client.get("/test-login/logout")  # a new session: the old token is not valid there
        admin.client.cookies.clear()
        await admin.login("admin")
    form = dict(data) if token is None else {**data, "csrf_token": token}
    response = await admin.client.post(BASE + url, data=form, files={"file": ("x.txt", b"x", "text/plain")} if "upload" in url else None)
    assert response.status_code == 403, response.text
    assert 'id="error-title">Form expired<' in response.text
    async with admin.dashboard.get_database("db").create_session() as session:
        assert (await session.execute(select(func.count()).select_from(Item))).scalar_one() == 1
        assert (await session.execute(select(Item.name))).scalar_one() == "Orig"
    assert (tmp_path / "files" / "keep.txt").read_text() == "keep"
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == ["keep.txt"]


async def test_every_form_of_every_page_carries_the_token(admin: Any) -> None:
    await admin.post_form(f"{BASE}/data/database/db/model/Item/create", {"name": "Orig", "kind": "toy"})
    admin.app.extensions["task_manager"].add_job(lambda: None, "interval", hours=1, id="job")
    for page in ("/", "/data/database/db/model/Item/record/id/1", "/data/database/db/model/Item/edit/id/1",
                 "/data/database/db/model/Item/create", "/send-email?client=email-client", "/task-managers/TASK_MANAGER",
                 "/caches", "/files"):
        html = (await admin.client.get(BASE + page)).text
        forms = html.count('method="post"')
        assert forms > 0 and html.count('name="csrf_token"') == forms, page
