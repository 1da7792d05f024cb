"""Template responses: both seed forms, autoescape, strict undefined, url_for in templates."""

import pytest

from surge import HttpStatus, MediaType, Request, Response
from surge.controller import Controller, get, path, produces
from surge.testing import TestClient

from surge_testkit import make_app


@path("/pages")
class Pages(Controller):
    @get("/<int:user_id>")
    @produces(MediaType.TEXT_HTML)
    async def get_user(self, req: Request, user_id: int) -> Response:
        context = {"user_id": user_id, "name": req.query_params.get("name", "")}
        return await (req.response.html("user.html", context)).status(HttpStatus.OK)

    @get("/second")
    async def second(self, req: Request) -> Response:
        res = await req.response.html("user.html", {"user_id": 2, "name": "x"})
        return res.status(HttpStatus.ACCEPTED)

    @get("/unawaited")
    async def unawaited(self, req: Request) -> Response:
        return req.response.html("user.html", {"user_id": 3, "name": "y"})

    @get("/string")
    async def string(self, req: Request) -> Response:
        return await req.response.html_from_string("Hi {{ who }}", {"who": "<b>"})

    @get("/missing-var")
    async def missing_var(self, req: Request) -> Response:
        return await req.response.html("user.html", {"user_id": 1})


@pytest.fixture
async def client(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "user.html").write_text(
        "<p>User {{ user_id }}: {{ name }}</p><a href=\"{{ url_for('Pages.get_user', user_id=user_id) }}\">me</a>"
    )
    async with TestClient(make_app(Pages, BASE_PATH=str(tmp_path))) as c:
        yield c


async def test_seed_form_renders_with_autoescape(client) -> None:
    res = await client.get("/pages/5?name=<script>")
    assert res.status_code == 200
    assert res.headers["content-type"] == "text/html; charset=utf-8"
    assert res.text == '<p>User 5: &lt;script&gt;</p><a href="/pages/5">me</a>'


async def test_awaited_then_status(client) -> None:
    res = await client.get("/pages/second")
    assert res.status_code == 202
    assert "User 2" in res.text


async def test_returned_without_await_is_rendered(client) -> None:
    assert "User 3" in (await client.get("/pages/unawaited")).text


async def test_html_from_string(client) -> None:
    assert (await client.get("/pages/string")).text == "Hi &lt;b&gt;"


async def test_strict_templates_fail_on_missing_variable(client) -> None:
    res = await client.get("/pages/missing-var")
    assert res.status_code == 500


@path("/globals")
class Globals(Controller):
    @get("/")
    async def page(self, req: Request) -> Response:
        item = {"title": "Tea"}
        return await req.response.html_from_string(
            "{{ app.configs.APP_NAME }}|{{ url_for('Globals.page') }}|{{ request.path }}|"
            "{{ attribute(request, 'method') }}|{{ len(items) }}|{{ attribute(item, 'get')('title') }}",
            {"items": [1, 2, 3], "item": item},
        )


async def test_pyjolt_template_globals(tmp_path) -> None:
    app = make_app(Globals, BASE_PATH=str(tmp_path), APP_NAME="Shop")
    async with TestClient(app) as c:
        assert (await c.get("/globals/")).text == "Shop|/globals|/globals/|GET|3|Tea"


async def test_a_template_rendered_outside_a_request_has_the_app_global(tmp_path) -> None:
    """An email body, for one, is rendered with no request: ``app`` is still there."""
    app = make_app(Globals, BASE_PATH=str(tmp_path), APP_NAME="Shop")
    async with TestClient(app):
        text = await app.templates.render_string("{{ app.configs.APP_NAME }}|{{ request }}", {})
    assert text == "Shop|None"


@pytest.mark.parametrize(("debug", "second"), [(True, "<p>edited</p>"), (False, "<p>User 7: a</p>")])
async def test_templates_reload_when_edited_only_in_debug(tmp_path, debug: bool, second: str) -> None:
    import os

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "user.html"
    page.write_text("<p>User {{ user_id }}: {{ name }}</p>")
    async with TestClient(make_app(Pages, BASE_PATH=str(tmp_path), DEBUG=debug)) as client:
        first = (await client.get("/pages/7?name=a")).text
        page.write_text("<p>edited</p>")
        os.utime(page, (page.stat().st_atime, page.stat().st_mtime + 10))  # a later mtime on any file system
        again = (await client.get("/pages/7?name=a")).text
    assert first == "<p>User 7: a</p>"
    assert again == second
