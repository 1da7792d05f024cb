"""The seed README's Response object: status, redirects (also to url_for), text, HTML, files, headers, cookies.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from surge.testing import TestClient

from seed_app import ObjectsApi, UsersApi
from surge_testkit import make_app


@pytest.fixture
async def objects_client(app_folder: Path):
    async with TestClient(make_app(ObjectsApi, UsersApi, BASE_PATH=str(app_folder))) as client:
        yield client


async def test_response_status(objects_client) -> None:
    res = await objects_client.get("/objects/status")
    assert (res.status_code, res.json()) == (202, {"ok": False})
    res = await objects_client.get("/objects/status-int")
    assert (res.status_code, res.text) == (418, "teapot")


async def test_response_redirect_defaults_to_303(objects_client) -> None:
    res = await objects_client.get("/objects/redirect")
    assert (res.status_code, res.headers["location"]) == (303, "url-for-location")
    res = await objects_client.get("/objects/redirect-307")
    assert (res.status_code, res.headers["location"]) == (307, "/elsewhere")


async def test_redirect_to_other_endpoint_with_url_for(objects_client) -> None:
    res = await objects_client.get("/objects/redirect-endpoint")
    assert (res.status_code, res.headers["location"]) == (303, "/api/v1/users/5")
    res = await objects_client.get("/objects/redirect-endpoint", follow_redirects=True)
    assert (res.status_code, res.json()["id"]) == (200, 5)


async def test_response_no_content_and_text(objects_client) -> None:
    res = await objects_client.get("/objects/no-content")
    assert (res.status_code, res.content) == (204, b"")
    res = await objects_client.get("/objects/text")
    assert (res.status_code, res.text) == (200, "hello")
    assert res.headers["content-type"].startswith("text/plain")


async def test_response_html_from_string_is_escaped(objects_client) -> None:
    res = await objects_client.get("/objects/html-string")
    assert (res.status_code, res.text) == (200, "<p>&lt;Ann&gt;</p>")
    assert res.headers["content-type"].startswith("text/html")
    assert (await objects_client.get("/objects/html-string-no-context")).text == "<p>static</p>"


async def test_response_send_file(objects_client) -> None:
    res = await objects_client.get("/objects/file-bytes")
    assert (res.status_code, res.content) == (200, b"%PDF-1.4 fake")
    assert (res.headers["content-type"], res.headers["x-file"]) == ("application/pdf", "yes")
    res = await objects_client.get("/objects/file-path")
    assert (res.status_code, res.content) == (200, b"\x89PNG fake image")
    assert (res.headers["content-type"], res.headers["x-file"]) == ("image/png", "path")


async def test_response_set_header(objects_client) -> None:
    res = await objects_client.get("/objects/header")
    assert (res.headers["x-one"], res.headers["x-two"], res.text) == ("1", "2", "headers")


async def test_response_cookies(objects_client) -> None:
    res = await objects_client.get("/objects/cookie")
    cookie = res.headers["set-cookie"]
    for part in ("session=abc", "Max-Age=60", "Path=/objects", "Domain=example.com", "Secure", "HttpOnly"):
        assert part in cookie
    res = await objects_client.get("/objects/cookie-defaults")
    cookie = res.headers["set-cookie"]
    assert "plain=v" in cookie and "Path=/" in cookie
    assert "HttpOnly" not in cookie and "Secure" not in cookie and "Max-Age" not in cookie
    res = await objects_client.get("/objects/delete-cookie")
    cookie = res.headers["set-cookie"]
    assert "session=" in cookie and "Max-Age=0" in cookie and "Path=/objects" in cookie
    assert "Domain=example.com" in cookie
