"""Static files: served, url_for("Static.get"), no escape from the folder."""

import pytest

from surge import Request
from surge.controller import Controller, get, path
from surge.testing import TestClient

from surge_testkit import make_app


@path("/")
class Links(Controller):
    @get("/link")
    async def link(self, req: Request) -> dict:
        return {"url": self.app.url_for("Static.get", filename="img/my_image.png")}


@pytest.fixture
async def client(tmp_path):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "my_image.png").write_bytes(b"\x89PNGdata")
    (static / "site.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("top secret")
    app = make_app(Links, BASE_PATH=str(tmp_path))
    async with TestClient(app) as c:
        yield c


async def test_serves_static_files(client) -> None:
    res = await client.get("/static/site.css")
    assert res.status_code == 200
    assert res.text == "body{}"
    assert res.headers["content-type"].startswith("text/css")
    res = await client.get("/static/img/my_image.png")
    assert res.content == b"\x89PNGdata"


async def test_url_for_static(client) -> None:
    assert (await client.get("/link")).json() == {"url": "/static/img/my_image.png"}


@pytest.mark.parametrize("attack", ["/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/img/../../secret.txt"])
async def test_no_path_escapes_the_static_folder(client, attack) -> None:
    res = await client.get(attack)
    assert res.status_code == 404
    assert "top secret" not in res.text


@pytest.mark.parametrize("url", ["/static/site.css/", "/static/img/my_image.png/", "/static/img/"])
async def test_a_file_name_with_a_trailing_slash_is_404(client, url: str) -> None:
    res = await client.get(url)
    assert res.status_code == 404
    assert "body{}" not in res.text and "PNG" not in res.text


async def test_missing_file_is_404(client) -> None:
    assert (await client.get("/static/nope.css")).status_code == 404


async def test_custom_static_url_and_dir(tmp_path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.txt").write_text("A")
    app = make_app(BASE_PATH=str(tmp_path), STATIC_DIR="/assets", STATIC_URL="/files")
    async with TestClient(app) as c:
        assert (await c.get("/files/a.txt")).text == "A"
        assert app.url_for("Static.get", filename="a.txt") == "/files/a.txt"


async def test_raw_traversal_path_is_refused(tmp_path) -> None:
    """httpx normalizes ``..`` away, so send the raw path straight through ASGI."""
    (tmp_path / "static").mkdir()
    (tmp_path / "secret.txt").write_text("top secret")
    app = make_app(BASE_PATH=str(tmp_path))
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    for raw in ("/static/../secret.txt", "/static/..%2fsecret.txt", "/static//etc/passwd"):
        sent.clear()
        scope = {"type": "http", "method": "GET", "path": raw, "query_string": b"", "headers": []}
        await app(scope, receive, send)
        assert sent[0]["status"] == 404
        assert b"top secret" not in sent[1]["body"]


def test_safe_join() -> None:
    from surge.static import safe_join

    assert safe_join("/srv/static", "a/b.css") == "/srv/static/a/b.css"
    assert safe_join("/srv/static", "../etc/passwd") is None
    assert safe_join("/srv/static", "/etc/passwd") == "/srv/static/etc/passwd"


@pytest.mark.parametrize("url", ["/static/site.css%00", "/static/site.css%00.png", "/static/%0a", "/static/img/%0d%0a.png"])
async def test_control_characters_in_a_static_path_are_404(client, url: str) -> None:
    res = await client.get(url)
    assert res.status_code == 404
    assert res.json()["status"] == "error"


def test_safe_join_refuses_control_characters(tmp_path) -> None:
    from surge.static import safe_join

    (tmp_path / "a.css").write_text("x")
    assert safe_join(str(tmp_path), "a.css") == str((tmp_path / "a.css").resolve())
    assert safe_join(str(tmp_path), "a.css\x00") is None
    assert safe_join(str(tmp_path), "a\n.css") is None
