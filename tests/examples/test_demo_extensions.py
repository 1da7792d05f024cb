"""The demo's cached stats endpoint, scheduled heartbeat and contact form (issue 6)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from surge.testing import TestClient

from surge_testkit import free_port

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def demo_app(tmp_path, monkeypatch, smtp_port: int):
    monkeypatch.syspath_prepend(str(DEMO))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("SQL_DATABASE", json.dumps({"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}", "CREATE_ALL": True}))
    monkeypatch.setenv("EMAIL_CLIENT", json.dumps({
        "SENDER_NAME_OR_ADDRESS": "Surge demo <demo@localhost>", "SMTP_SERVER": "127.0.0.1",
        "SMTP_PORT": smtp_port, "USE_TLS": False, "TIMEOUT": 5,
    }))
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        monkeypatch.delitem(sys.modules, name)
    from app import Application

    return Application()


async def test_stats_are_cached_and_count_heartbeats(tmp_path, monkeypatch, inbox):
    app = demo_app(tmp_path, monkeypatch, inbox.port)
    async with TestClient(app) as client:
        async with asyncio.timeout(10):
            while app.state.get("heartbeats", 0) < 1:  # noqa: ASYNC110 - the job runs on the scheduler
                await asyncio.sleep(0.02)
        first = (await client.get("/api/stats/")).json()
        assert first["heartbeats"] >= 1 and first["last_heartbeat"]
        assert first["guestbook_signatures"] == 0
        await client.post("/guestbook/", data={"name": "Ann", "message": "hi"})
        assert (await client.get("/api/stats/")).json() == first  # served from the cache
        from app.cache import cache

        await cache.clear()
        fresh = (await client.get("/api/stats/")).json()
        assert fresh["guestbook_signatures"] == 1
        assert fresh["generated_at"] != first["generated_at"]


async def test_contact_form_sends_mail(tmp_path, monkeypatch, inbox):
    app = demo_app(tmp_path, monkeypatch, inbox.port)
    async with TestClient(app) as client:
        assert 'name="message"' in (await client.get("/contact/")).text
        page = await client.post("/contact/", data={"name": "Ann <A>", "email": "ann@example.com", "message": "Hello & bye"})
        assert page.status_code == 200
        assert "Thank you, Ann &lt;A&gt;" in page.text
        bad = await client.post("/contact/", data={"name": "Ann", "email": "not-an-address", "message": "x"})
        assert bad.status_code == 422
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["owner@localhost"]
    message = email.message_from_bytes(envelope.content.replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert message["Subject"] == "Contact form: Ann <A>"
    assert message["Reply-To"] == "ann@example.com"
    assert "Ann <A> <ann@example.com> wrote:\n\nHello & bye" in message.get_body(("plain",)).get_content()
    assert "Ann &lt;A&gt;" in message.get_body(("html",)).get_content()


async def test_contact_form_without_smtp_server_answers_503(tmp_path, monkeypatch):
    app = demo_app(tmp_path, monkeypatch, free_port())
    async with TestClient(app) as client:
        page = await client.post("/contact/", data={"name": "Ann", "email": "ann@example.com", "message": "Hello"})
    assert page.status_code == 503
    assert "could not be sent" in page.text
