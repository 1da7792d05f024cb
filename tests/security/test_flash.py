"""Flash messages: flashed in one request, read once in the next (handler or template)."""

from __future__ import annotations

from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.security import Sessions, flash, get_flashed_messages
from surge.testing import TestClient

HTTPS = "https://testserver"
TEMPLATE = "<ul>{% for category, message in get_flashed_messages(with_categories=true) %}<li class=\"{{ category }}\">{{ message }}</li>{% endfor %}</ul>"


@path("/")
class FlashPages(Controller):
    @post("/save")
    async def save(self, req: Request) -> Response:
        flash("Saved", "success")
        flash("Check your e-mail", "info", req=req)
        return req.response.redirect("/show")

    @post("/save-sync")
    def save_sync(self, req: Request) -> Response:
        flash("From a thread")
        return req.response.redirect("/show")

    @post("/warn")
    async def warn(self, req: Request) -> Response:
        flash("<b>careful</b>", "warning")
        return req.response.no_content()

    @post("/logout")
    async def logout(self, req: Request) -> Response:
        req.session.invalidate()
        flash("Logged out", "info")
        return req.response.redirect("/messages")

    @post("/remember")
    async def remember(self, req: Request) -> Response:
        req.session["user"] = "ann"
        return req.response.no_content()

    @get("/user")
    async def user(self, req: Request) -> Response:
        return req.response.json({"user": req.session.get("user")})

    @get("/show")
    async def show(self, req: Request) -> Response:
        return req.response.html_from_string(TEMPLATE)

    @get("/messages")
    async def messages(self, req: Request) -> Response:
        first = get_flashed_messages()
        again = get_flashed_messages(req=req)
        return req.response.json({"first": first, "again": again})

    @post("/corrupt/<int:variant>")
    async def corrupt(self, req: Request, variant: int) -> Response:
        req.session["_flashes"] = ["not a list", [1, None, ["a"], ["info", "kept"]]][variant]
        return req.response.no_content()

    @get("/infos")
    async def infos(self, req: Request) -> Response:
        return req.response.json(get_flashed_messages(with_categories=True, category_filter=["info"]))


@pytest.fixture
def app(make_app: Any) -> Any:
    return make_app(extensions=[Sessions()], controllers=[FlashPages])


async def test_flash_then_show_once_in_a_template(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        shown = await client.post("/save", follow_redirects=True)
        again = await client.get("/show")
    assert shown.text == '<ul><li class="success">Saved</li><li class="info">Check your e-mail</li></ul>'
    assert again.text == "<ul></ul>"


async def test_handler_reads_them_once_per_request(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/save")
        read = (await client.get("/messages")).json()
        after = (await client.get("/messages")).json()
    assert read == {"first": ["Saved", "Check your e-mail"], "again": ["Saved", "Check your e-mail"]}
    assert after == {"first": [], "again": []}


async def test_category_filter(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/save")
        assert (await client.get("/infos")).json() == [["info", "Check your e-mail"]]
        assert (await client.get("/messages")).json()["first"] == []  # the others were consumed too


async def test_flash_from_a_sync_handler(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        shown = await client.post("/save-sync", follow_redirects=True)
    assert '<li class="message">From a thread</li>' in shown.text


async def test_messages_are_escaped_in_templates(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/warn")
        shown = await client.get("/show")
    assert "&lt;b&gt;careful&lt;/b&gt;" in shown.text


async def test_messages_are_per_client(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as one, TestClient(app, base_url=HTTPS) as other:
        await one.post("/save")
        assert (await other.get("/messages")).json()["first"] == []
        assert (await one.get("/messages")).json()["first"] == ["Saved", "Check your e-mail"]


async def test_flash_after_logout_reaches_the_next_page(app: Any) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/remember")
        before = client.cookies["session"]
        await client.post("/logout")
        assert client.cookies["session"] != before  # the message lives in a new session
        assert (await client.get("/user")).json() == {"user": None}
        assert (await client.get("/messages")).json()["first"] == ["Logged out"]
        assert "session" not in client.cookies  # read and emptied: deleted


@pytest.mark.parametrize(("variant", "expected"), [(0, []), (1, ["kept"])])
async def test_a_malformed_stored_queue_never_fails_the_page(app: Any, variant: int, expected: list[str]) -> None:
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post(f"/corrupt/{variant}")
        read = await client.get("/messages")
    assert read.status_code == 200
    assert read.json()["first"] == expected


def test_flash_outside_a_request_says_why() -> None:
    with pytest.raises(RuntimeError, match="Sessions"):
        flash("nobody to tell")
