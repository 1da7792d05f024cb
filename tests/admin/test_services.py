"""E-mail through a local aiosmtpd, task manager pause/resume/run now, cache clear, static files."""

from __future__ import annotations

import asyncio
import logging
import os
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from surge_admin_app import build

from conftest import AdminClient
from surge.testing import TestClient

from surge_testkit import free_port

BASE = "/admin/dashboard"


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
async def mail_admin(tmp_path: Any) -> Any:
    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    app, dashboard = build(tmp_path, smtp_port=port)
    try:
        async with TestClient(app) as client:
            helper = AdminClient(client, dashboard, app)
            await helper.login("admin")
            yield helper, inbox
    finally:
        smtp.stop()


async def test_compose_and_send_an_email(mail_admin: Any, caplog: pytest.LogCaptureFixture) -> None:
    admin, inbox = mail_admin
    caplog.set_level(logging.INFO, logger="surge.admin")
    compose = await admin.client.get(f"{BASE}/send-email", params={"client": "email-client"})
    assert compose.status_code == 200
    assert '<option value="ann@example.com">Ann Admin</option>' in compose.text  # email_recipient_query("")
    page = f"{BASE}/send-email?client=email-client"
    sent = await admin.post_form(f"{BASE}/email-submit?client=email-client", {
        "to_address": "ann@example.com, bob@example.com", "subject": "Quarterly report", "body": "<p>Please <b>read</b> the report.</p>",
    }, page=page, files={"attachments": ("report.csv", b"a,b\n", "text/csv")})
    assert sent.status_code == 303 and sent.headers["location"].endswith("notice=sent")
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["ann@example.com", "bob@example.com"]
    message = message_from_bytes(envelope.content)
    assert message["Subject"] == "Quarterly report"
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "<b>read</b>" in parts["text/html"].get_payload(decode=True).decode()
    assert "the report." in parts["text/plain"].get_payload(decode=True).decode()
    assert parts["text/csv"].get_filename() == "report.csv"
    assert any(getattr(r, "admin_action", None) == "email-sent" for r in caplog.records)


async def test_recipient_suggestions_come_from_the_hook(mail_admin: Any) -> None:
    admin, _ = mail_admin
    response = await admin.client.get(f"{BASE}/email-query", params={"client": "email-client", "query": "bob"})
    assert response.status_code == 200 and response.json()["data"] == [["Bob User", "bob@example.com"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"to_address": "", "subject": "s", "body": "b"}, "to_address"),
        ({"to_address": "not-an-address", "subject": "s", "body": "b"}, "to_address"),
        ({"to_address": "a@example.com", "subject": "", "body": "b"}, "subject"),
        ({"to_address": "a@example.com", "subject": "s", "body": "<p> </p>"}, "body"),
        ({"to_address": "a@example.com", "subject": "s\r\nBcc: victim@example.com", "body": "b"}, "subject"),
    ],
)
async def test_bad_messages_are_422_and_not_sent(mail_admin: Any, data: dict[str, str], field: str) -> None:
    admin, inbox = mail_admin
    response = await admin.post_form(f"{BASE}/email-submit?client=email-client", data, page=f"{BASE}/send-email?client=email-client")
    assert response.status_code == 422
    assert f'id="error-{field}"' in response.text
    assert inbox.envelopes == []


async def test_an_unreachable_smtp_server_is_a_503_page(admin: Any) -> None:
    response = await admin.post_form(f"{BASE}/email-submit?client=email-client",
                                     {"to_address": "a@example.com", "subject": "s", "body": "b"},
                                     page=f"{BASE}/send-email?client=email-client")
    assert response.status_code == 503 and response.headers["retry-after"] == "30"
    assert 'data-status="503"' in response.text


async def test_unknown_client_is_404(admin: Any) -> None:
    assert (await admin.client.get(f"{BASE}/send-email", params={"client": "nope"})).status_code == 404


async def test_pause_resume_and_run_a_job_now(admin: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="surge.admin")
    runs: list[int] = []
    ran = asyncio.Event()

    async def tick() -> None:
        runs.append(1)
        ran.set()

    manager = admin.app.extensions["task_manager"]
    manager.add_job(tick, "interval", hours=1, id="tick", name="Hourly tick")
    page_url = f"{BASE}/task-managers/TASK_MANAGER"
    page = (await admin.client.get(page_url)).text
    assert 'id="job-tick" data-state="scheduled"' in page and 'id="pause-tick"' in page

    paused = await admin.post_form(f"{page_url}/pause/tick", {}, page=page_url)
    assert paused.status_code == 303 and manager.get_job("tick").next_run_time is None
    page = (await admin.client.get(page_url + "?notice=paused")).text
    assert 'id="job-tick" data-state="paused"' in page and 'id="resume-tick"' in page and "Job paused." in page

    run = await admin.post_form(f"{page_url}/run/tick", {}, page=page_url)
    assert run.status_code == 303
    await asyncio.wait_for(ran.wait(), 5)
    assert runs == [1] and manager.get_job("tick").next_run_time is None  # ran once, still paused

    resumed = await admin.post_form(f"{page_url}/resume/tick", {}, page=page_url)
    assert resumed.status_code == 303 and manager.get_job("tick").next_run_time is not None
    assert {"job-pause", "job-run", "job-resume"} <= {getattr(r, "admin_action", None) for r in caplog.records}
    missing = await admin.post_form(f"{page_url}/pause/nope", {}, page=page_url)
    assert missing.status_code == 404


async def test_clear_a_cache(admin: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="surge.admin")
    cache = admin.app.extensions["cache"]
    await cache.set("greeting", "hello")
    assert await cache.get("greeting") == "hello"
    page = (await admin.client.get(f"{BASE}/caches")).text
    assert 'id="clear-CACHE"' in page
    cleared = await admin.post_form(f"{BASE}/caches/CACHE/clear", {}, page=f"{BASE}/caches")
    assert cleared.status_code == 303
    assert await cache.get("greeting") is None
    assert any(getattr(r, "admin_action", None) == "cache-clear" for r in caplog.records)
    assert (await admin.post_form(f"{BASE}/caches/NOPE/clear", {}, page=f"{BASE}/caches")).status_code == 404


async def test_static_files_come_from_the_package_with_their_licenses(tmp_path: Any) -> None:
    app, _ = build(tmp_path)
    async with TestClient(app) as client:
        css = await client.get(f"{BASE}/static/vendor/pico/pico.min.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and len(css.content) > 10_000
        js = await client.get(f"{BASE}/static/vendor/pell/pell.min.js")
        assert js.status_code == 200 and b"pell" in js.content
        assert (await client.get(f"{BASE}/static/admin.js")).status_code == 200
        for bad in ("../admin_dashboard.py", "%2e%2e/admin_dashboard.py", "nope.css"):
            assert (await client.get(f"{BASE}/static/{bad}")).status_code == 404


def test_vendored_libraries_keep_their_licenses() -> None:
    vendor = os.path.join(os.path.dirname(__import__("surge.admin").admin.__file__), "static", "vendor")
    for library in ("pico", "pell"):
        assert "MIT License" in open(os.path.join(vendor, library, "LICENSE.md"), encoding="utf-8").read()
