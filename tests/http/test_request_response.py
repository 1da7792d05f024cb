"""Request attributes, body limits, cookies, files and conditional GET."""

import os

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.testing import TestClient

from surge_testkit import make_app


@path("/")
class Api(Controller):
    @get("/echo/<name>")
    async def echo(self, req: Request, name: str) -> dict:
        return {
            "route": req.route_parameters,
            "method": req.method,
            "path": req.path,
            "query_string": req.query_string,
            "query": dict(req.query_params),
            "header": req.headers.get("x-token"),
            "cookies": req.cookies,
            "client": list(req.client or ()),
            "url": req.url,
            "user": req.user,
        }

    @post("/body")
    async def body(self, req: Request) -> dict:
        data = await req.body()
        return {"length": len(data)}

    @post("/json")
    async def json_body(self, req: Request) -> dict:
        return {"json": await req.json()}

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
    app = make_app(Api, MAX_CONTENT_LENGTH=1024, FILE_PATH=str(target))
    async with TestClient(app) as c:
        yield c


async def test_request_attributes(client) -> None:
    client.cookies.set("session", "s1")
    res = await client.get("/echo/ann?a=1&b=two", headers={"x-token": "t"})
    body = res.json()
    assert body["route"] == {"name": "ann"}
    assert body["method"] == "GET"
    assert body["path"] == "/echo/ann"
    assert body["query_string"] == "a=1&b=two"
    assert body["query"] == {"a": "1", "b": "two"}
    assert body["header"] == "t"
    assert body["cookies"] == {"session": "s1"}
    assert body["client"] == ["127.0.0.1", 50000]
    assert body["url"] == "http://testserver/echo/ann?a=1&b=two"
    assert body["user"] is None


async def test_body_over_limit_is_413(client) -> None:
    res = await client.post("/body", content=b"x" * 1025)
    assert res.status_code == 413
    assert "1024" in res.json()["message"]
    assert (await client.post("/body", content=b"x" * 1024)).json() == {"length": 1024}


async def test_streamed_body_over_limit_is_413_without_content_length(client) -> None:
    async def chunks():
        for _ in range(10):
            yield b"y" * 200

    res = await client.post("/body", content=chunks())
    assert res.status_code == 413


async def test_json_helpers(client) -> None:
    assert (await client.post("/json", json={"a": [1, 2]})).json() == {"json": {"a": [1, 2]}}
    res = await client.post("/json", content=b"[1,")
    assert res.status_code == 400


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


async def test_malformed_content_length_is_400(client) -> None:
    res = await client.post("/body", content=b"abc", headers={"content-length": "nope"})
    assert res.status_code in (400, 413)


async def test_call_after_response_runs_once_the_response_is_sent() -> None:
    from surge_testkit import make_app

    events: list[str] = []

    @path("/")
    class Later(Controller):
        @get("/later")
        async def later(self, req: Request) -> dict:
            async def audit() -> None:
                events.append("after")

            req.call_after_response(audit)
            events.append("handler")
            return {"ok": True}

    async with TestClient(make_app(Later)) as client:
        assert (await client.get("/later")).json() == {"ok": True}
    assert events == ["handler", "after"]
