"""Response cookies, files (headers, conditional GET) and attachments."""

import os

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.testing import TestClient

from surge_testkit import make_app


@path("/")
class Api(Controller):
    @get("/cookie")
    async def cookie(self, req: Request) -> Response:
        return req.response.json({"set": True}).set_cookie("token", "abc", max_age=60, secure=True)

    @get("/cookie/delete")
    async def cookie_delete(self, req: Request) -> Response:
        return req.response.json({"deleted": True}).delete_cookie("token")

    @get("/file")
    async def file(self, req: Request) -> Response:
        return req.response.send_file(req.app.get_conf("FILE_PATH"))

    @get("/download")
    async def download(self, req: Request) -> Response:
        return req.response.send_file(b"a,b\n1,2\n", filename="data.csv", as_attachment=True)


@pytest.fixture
async def client(tmp_path):
    target = tmp_path / "logo.png"
    target.write_bytes(b"\x89PNG" + b"0" * 100)
    app = make_app(Api, FILE_PATH=str(target))
    async with TestClient(app) as c:
        yield c


async def test_set_and_delete_cookie(client) -> None:
    res = await client.get("/cookie")
    header = res.headers["set-cookie"]
    assert "token=abc" in header
    assert "Max-Age=60" in header
    assert "HttpOnly" in header
    assert "Secure" in header
    assert "SameSite=Lax" in header
    assert client.cookies.get("token") == "abc"
    res = await client.get("/cookie/delete")
    assert "Max-Age=0" in res.headers["set-cookie"]
    assert client.cookies.get("token") is None


async def test_send_file_headers_and_conditional_get(client, tmp_path) -> None:
    res = await client.get("/file")
    assert res.status_code == 200
    assert res.headers["content-type"] == "image/png"
    assert res.headers["content-length"] == "104"
    assert res.content.startswith(b"\x89PNG")
    etag = res.headers["etag"]
    last_modified = res.headers["last-modified"]
    res = await client.get("/file", headers={"if-none-match": etag})
    assert res.status_code == 304
    assert res.content == b""
    res = await client.get("/file", headers={"if-modified-since": last_modified})
    assert res.status_code == 304
    res = await client.get("/file", headers={"if-none-match": '"other"'})
    assert res.status_code == 200
    os.utime(tmp_path / "logo.png", (1, 1))
    (tmp_path / "logo.png").write_bytes(b"changed")
    res = await client.get("/file", headers={"if-none-match": etag})
    assert res.status_code == 200
    assert res.content == b"changed"


async def test_send_bytes_as_attachment(client) -> None:
    res = await client.get("/download")
    assert res.headers["content-type"].startswith("text/csv")
    assert res.headers["content-disposition"] == "attachment; filename*=UTF-8''data.csv"
    assert res.text == "a,b\n1,2\n"
