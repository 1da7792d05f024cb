"""Atila's message box on flash(): kept messages (valid=...), extra fields, filters, removal by id."""

from __future__ import annotations

import time
from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.security import Sessions, flash, get_flashed_messages, remove_flashed_message
from surge.testing import TestClient

HTTPS = "https://testserver"


@path("/")
class Box(Controller):
    @post("/send")
    async def send(self, req: Request) -> Response:
        body = await req.json()
        ids = [
            flash(item["text"], item.get("category", "message"), item.get("valid"), **item.get("extra", {}))
            for item in body
        ]
        return req.response.json(ids)

    @get("/read")
    async def read(self, req: Request) -> Response:
        categories = req.query_params.get("category")
        where = {key[6:]: value for key, value in req.query_params.items() if key.startswith("where.")}
        messages = get_flashed_messages(category_filter=[categories] if categories else (), where=where)
        again = get_flashed_messages(category_filter=[categories] if categories else (), where=where)
        return req.response.json({"messages": messages, "again": again})

    @get("/details")
    async def details(self, req: Request) -> Response:
        return req.response.json([m._asdict() for m in get_flashed_messages(with_details=True)])

    @post("/remove/<message_id>")
    async def remove(self, req: Request, message_id: str) -> Response:
        return req.response.json({"removed": remove_flashed_message(message_id)})

    @post("/bad-valid/<int:valid>")
    async def bad_valid(self, req: Request, valid: int) -> Response:
        try:
            flash("never", valid=-valid)
        except ValueError as exc:
            return req.response.json({"error": str(exc)}).status(400)
        return req.response.no_content()

    @get("/page")
    async def page(self, req: Request) -> Response:
        return req.response.html_from_string(
            "{% for m in get_flashed_messages(where={'order': 7}) %}<p>{{ m }}</p>{% endfor %}"
        )


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(extensions=[Sessions()], controllers=[Box])


async def test_a_kept_message_survives_reads_that_do_not_return_it(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post(
            "/send",
            json=[
                {"text": "Plain", "category": "info"},
                {"text": "Alert for a minute", "category": "alarm", "valid": 60},
            ],
        )
        first = (await client.get("/read?category=info")).json()
        assert first == {"messages": ["Plain"], "again": ["Plain"]}
        # the plain message was read; the kept one was filtered out and stays
        assert (await client.get("/read?category=alarm")).json()["messages"] == ["Alert for a minute"]
        assert (await client.get("/read")).json()["messages"] == []  # read once: gone


async def test_a_kept_message_expires_unread(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/send", json=[{"text": "Soon gone", "valid": 5}, {"text": "Stays", "valid": 600}])
        assert (await client.get("/read?category=none")).json()["messages"] == []
        later = time.time() + 10
        monkeypatch.setattr(time, "time", lambda: later)
        assert (await client.get("/read")).json()["messages"] == ["Stays"]


async def test_where_filters_on_extra_fields(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post(
            "/send",
            json=[
                {"text": "Order shipped", "valid": 60, "extra": {"order": 7}},
                {"text": "Other order", "valid": 60, "extra": {"order": 8}},
                {"text": "No order", "valid": 60},
            ],
        )
        assert (await client.get("/read?where.order=7")).json()["messages"] == []  # query values are strings
        assert (await client.get("/page")).text == "<p>Order shipped</p>"
        details = (await client.get("/details")).json()
    assert [(d["message"], d["extra"], d["valid"]) for d in details] == [("Other order", {"order": 8}, 60), ("No order", {}, 60)]
    assert all(len(d["id"]) == 16 and d["created"] > 0 for d in details)


async def test_a_message_is_removed_by_id(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        first, second = (await client.post("/send", json=[{"text": "one", "valid": 60}, {"text": "two"}])).json()
        assert (await client.post(f"/remove/{first}")).json() == {"removed": True}
        assert (await client.post(f"/remove/{first}")).json() == {"removed": False}
        assert (await client.post("/remove/unknown")).json() == {"removed": False}
        assert (await client.get("/read")).json()["messages"] == ["two"]
        assert second


@pytest.mark.parametrize("valid", [1, 0])
async def test_a_non_positive_valid_is_refused(app: Any, valid: int) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        response = await client.post(f"/bad-valid/{valid}")
        assert response.status_code == 400
        assert "valid must be a positive number" in response.json()["error"]
        assert (await client.get("/read")).json()["messages"] == []
