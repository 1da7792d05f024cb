"""Templates as Atila has them: ``do`` / ``loopcontrols``, filters and globals from the app,
``app`` and ``response`` in the context, the media folder and ``req.response.static``."""

from __future__ import annotations

from pathlib import Path

import pytest

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.testing import TestClient


@path("/")
class Pages(Controller):
    @get("/page")
    async def page(self, req: Request) -> Response:
        return await req.response.html("page.html", {"items": [1, 2, 3, 4, 5]})

    @get("/logo")
    async def logo(self, req: Request) -> Response:
        return req.response.static("img/logo.png")

    @get("/upload/<path:name>")
    async def upload(self, req: Request, name: str) -> Response:
        return req.response.media(name, as_attachment=True)


PAGE = """{%- set seen = [] -%}
{%- for item in items -%}
{%- if item == 2 %}{% continue %}{% endif -%}
{%- if item == 5 %}{% break %}{% endif -%}
{%- do seen.append(item) -%}
{%- endfor -%}
seen={{ seen | join(",") }}
shout={{ "hello" | shout }}
global={{ answer() }}
app={{ app.app_name }}
{%- do response.set_header("X-From-Template", "yes") %}
static={{ static("img/logo.png") }}
media={{ media("a b.txt") }}
"""


@pytest.fixture
def site(tmp_path: Path) -> Surge:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(PAGE)
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "img" / "logo.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "a b.txt").write_text("media file")
    (tmp_path / "secret.txt").write_text("outside")
    config = BaseConfig(DEBUG=False, BASE_PATH=str(tmp_path), MEDIA_DIR="/uploads", MEDIA_URL="/files", APP_NAME="Site")
    application = Surge(__name__, configs=config)
    application.register_controller(Pages)

    @application.template_filter("shout")
    def shout(value: str) -> str:
        return value.upper() + "!"

    @application.template_global()
    def answer() -> int:
        return 42

    return application


async def test_do_loopcontrols_filters_globals_app_and_response(site: Surge) -> None:
    async with TestClient(site) as client:
        res = await client.get("/page")
    assert res.status_code == 200
    lines = res.text.splitlines()
    assert lines == [
        "seen=1,3,4",
        "shout=HELLO!",
        "global=42",
        "app=Site",
        "static=/static/img/logo.png",
        "media=/files/a%20b.txt",
    ]
    assert res.headers["x-from-template"] == "yes"


async def test_media_folder_is_served_at_media_url(site: Surge) -> None:
    async with TestClient(site) as client:
        served = await client.get("/files/a%20b.txt")
        escape = await client.get("/files/..%2Fsecret.txt")
        slash = await client.get("/files/a%20b.txt/")
    assert served.status_code == 200 and served.text == "media file"
    assert escape.status_code == 404 and escape.json()["status"] == "error"
    assert slash.status_code == 404


async def test_response_static_and_media_send_the_file(site: Surge) -> None:
    async with TestClient(site) as client:
        logo = await client.get("/logo")
        upload = await client.get("/upload/a%20b.txt")
        missing = await client.get("/upload/nope.txt")
        outside = await client.get("/upload/..%2F..%2Fsecret.txt")
    assert logo.status_code == 200 and logo.content == b"\x89PNG fake"
    assert logo.headers["content-type"].startswith("image/png")
    assert upload.text == "media file" and upload.headers["content-disposition"].startswith("attachment")
    assert missing.status_code == 404 and outside.status_code == 404


async def test_no_media_folder_no_media_route(tmp_path: Path) -> None:
    application = Surge(__name__, configs=BaseConfig(DEBUG=False, BASE_PATH=str(tmp_path)))
    async with TestClient(application) as client:
        res = await client.get("/media/anything.txt")
    assert res.status_code == 404
    assert "Media" not in application.controllers


async def test_response_is_none_outside_a_request(site: Surge) -> None:
    text = await site.templates.render_string("{{ response is none }} {{ shout('x') if false else 'ok' }}", {})
    assert text == "True ok"
