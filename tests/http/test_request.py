"""Request attributes, body limits, JSON, and work scheduled after the response."""


import pytest

from surge import Request
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

    @get("/header")
    async def one_header(self, req: Request) -> dict:
        first = {"a": req.header("x-a"), "b": req.header(b"x-b"), "missing": req.header("x-missing")}
        return {**first, "a_again": req.header(b"x-a"), "all_a": req.headers.get("x-a")}

    @post("/body")
    async def body(self, req: Request) -> dict:
        data = await req.body()
        return {"length": len(data)}

    @post("/json")
    async def json_body(self, req: Request) -> dict:
        return {"json": await req.json()}

    @post("/stream")
    async def stream(self, req: Request) -> dict:
        return {"length": sum([len(chunk) async for chunk in req.stream()])}

@pytest.fixture
async def client():
    app = make_app(Api, MAX_CONTENT_LENGTH=1024)
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


async def test_malformed_content_length_is_400(client) -> None:
    res = await client.post("/body", content=b"abc", headers={"content-length": "nope"})
    assert res.status_code in (400, 413)


@pytest.mark.parametrize("url", ["/body", "/stream"])
async def test_content_length_with_transfer_encoding_is_400(client, url: str) -> None:
    """Both framings at once is the request-smuggling shape: refused, whichever reader runs."""
    headers = {"content-length": "3", "transfer-encoding": "chunked"}
    res = await client.post(url, content=b"abc", headers=headers)
    assert res.status_code == 400
    assert res.json() == {
        "status": "error",
        "message": "Content-Length and Transfer-Encoding together are not accepted",
    }
    assert (await client.post(url, content=b"abc")).json() == {"length": 3}


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


async def test_single_header_lookups_return_the_first_value(client) -> None:
    res = await client.get("/header", headers=[("X-A", "one"), ("X-B", "bee"), ("X-A", "two")])
    assert res.json() == {"a": "one", "b": "bee", "missing": None, "a_again": "one", "all_a": "one, two"}
    res = await client.get("/header", headers={"X-A": "only"})
    assert res.json() == {"a": "only", "b": None, "missing": None, "a_again": "only", "all_a": "only"}
