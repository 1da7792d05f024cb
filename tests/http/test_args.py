"""``req.args`` / ``await req.all_args()``: route, query and body parameters in one mapping."""

from __future__ import annotations

from pydantic import BaseModel

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.testing import TestClient

from surge_testkit import make_app


class Note(BaseModel):
    title: str


@path("/args")
class ArgsApi(Controller):
    @get("/profiles/<int:id>")
    async def profile(self, req: Request, id: int) -> Response:
        args = req.args  # no body: no await needed
        return req.response.json({"args": dict(args), "tags": args.getlist("tag"), "id_is_int": args["id"] == id})

    @post("/all/<int:id>")
    async def all_args(self, req: Request, id: int) -> Response:
        args = await req.all_args()
        return req.response.json({"args": {k: v for k, v in args.items() if isinstance(v, str | int | list)}})

    @post("/model/<int:id>")
    async def with_model(self, req: Request, id: int, note: Note) -> Response:
        return req.response.json({"args": dict(req.args), "title": note.title})  # the body was read

    @post("/unread")
    async def unread(self, req: Request) -> Response:
        try:
            _ = req.args
        except RuntimeError as exc:
            return req.response.json({"error": str(exc)}).status(409)
        return req.response.json({})

    @post("/readonly")
    async def readonly(self, req: Request) -> Response:
        args = await req.all_args()
        try:
            args["x"] = 1  # type: ignore[index]
        except TypeError:
            return req.response.text("read-only")
        return req.response.text("writable")


async def client_for() -> TestClient:
    return TestClient(make_app(ArgsApi))  # type: ignore[arg-type]


async def test_route_and_query_without_a_body() -> None:
    async with await client_for() as client:
        res = await client.get("/args/profiles/7?detail=no&tag=a&tag=b")
    assert res.status_code == 200
    assert res.json() == {"args": {"id": 7, "detail": "no", "tag": "a"}, "tags": ["a", "b"], "id_is_int": True}


async def test_the_json_body_wins_over_query_and_route() -> None:
    async with await client_for() as client:
        res = await client.post("/args/all/7?detail=no&q=1", json={"detail": "yes", "id": "body", "n": 3})
    assert res.json() == {"args": {"id": "body", "detail": "yes", "q": "1", "n": 3}}


async def test_form_bodies_urlencoded_and_multipart() -> None:
    async with await client_for() as client:
        form = await client.post("/args/all/1?q=x", data={"q": "form", "name": "ann"})
        multi = await client.post("/args/all/2", data={"name": "bob"}, files={"f": ("a.txt", b"hi", "text/plain")})
    assert form.json() == {"args": {"id": 1, "q": "form", "name": "ann"}}
    assert multi.json()["args"] == {"id": 2, "name": "bob"}


async def test_after_a_body_parameter_req_args_needs_no_await() -> None:
    async with await client_for() as client:
        res = await client.post("/args/model/3?x=1", json={"title": "hello"})
    assert res.json() == {"args": {"id": 3, "x": "1", "title": "hello"}, "title": "hello"}


async def test_an_unread_body_is_a_clear_error_and_args_are_read_only() -> None:
    async with await client_for() as client:
        unread = await client.post("/args/unread", json={"a": 1})
        readonly = await client.post("/args/readonly", json={"a": 1})
    assert unread.status_code == 409 and "await req.all_args()" in unread.json()["error"]
    assert readonly.text == "read-only"


async def test_malformed_json_is_the_400_error_shape() -> None:
    async with await client_for() as client:
        res = await client.post("/args/all/1", content=b"{nope", headers={"content-type": "application/json"})
    assert res.status_code == 400
    assert "Malformed JSON" in res.json()["message"]


async def test_a_json_array_body_adds_no_names() -> None:
    async with await client_for() as client:
        res = await client.post("/args/all/4?q=1", json=[1, 2])
    assert res.json() == {"args": {"id": 4, "q": "1"}}
