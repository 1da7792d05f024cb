"""Endpoints end to end: route and query parameters, bodies, forms and uploads, return values."""

import asyncio
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel, Field

from surge import HttpStatus, MediaType, Request, Response, UploadedFile
from surge.controller import (
    Controller,
    consumes,
    delete,
    get,
    patch,
    path,
    post,
    produces,
    put,
)
from surge.testing import TestClient

from surge_testkit import make_app


class UserData(BaseModel):
    email: str
    fullname: str = Field(min_length=2)


class PublicUser(BaseModel):
    id: int
    email: str


@dataclass
class Point:
    x: int
    y: int


@path("/api/v1/users", tags=["Users"])
class UsersApi(Controller):
    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    async def get_user(self, req: Request, user_id: int) -> Response:
        """Returns a user by user_id"""
        return req.response.json({"id": user_id, "type": type(user_id).__name__}).status(HttpStatus.OK)

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def create_user(self, req: Request, user_data: UserData) -> Response[UserData]:
        """Creates new user"""
        return req.response.json(user_data).status(HttpStatus.CREATED)

    @put("/<int:user_id>")
    @consumes(MediaType.APPLICATION_JSON)
    async def replace_user(self, req: Request, user_id: int, user_data: UserData) -> Response[PublicUser]:
        return req.response.json({"id": user_id, "email": user_data.email, "secret": "leak"})

    @patch("/<int:user_id>")
    async def patch_user(self, req: Request, user_id: int) -> dict:
        return {"patched": user_id, "body": await req.json()}

    @delete("/<int:user_id>")
    async def delete_user(self, req: Request, user_id: int) -> Response:
        return req.response.no_content()

    @get("/search")
    async def search(
        self, req: Request, q: str, page: int = 1, ratio: float = 0.5, active: bool = False,
        tags: list[str] = [], cursor: int | None = None,  # noqa: B006
    ) -> dict:
        return {"q": q, "page": page, "ratio": ratio, "active": active, "tags": tags, "cursor": cursor}

    @get("/types")
    async def types(self, req: Request) -> dict:
        return {
            "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "price": Decimal("9.99"),
            "point": Point(1, 2),
            "model": PublicUser(id=1, email="a@b.c"),
        }

    @get("/sync")
    def sync_handler(self, req: Request) -> dict:
        return {"thread": threading.current_thread().name != "MainThread"}

    @get("/stream")
    async def stream(self, req: Request) -> Response:
        async def numbers():
            for i in range(3):
                yield f"{i}\n"
                await asyncio.sleep(0)

        return req.response.stream(numbers(), media_type="text/plain")

    @get("/text")
    async def text(self, req: Request) -> Response:
        return req.response.text("plain").set_header("x-extra", "1")

    @get("/redirect")
    async def go(self, req: Request) -> Response:
        return req.response.redirect(self.app.url_for("UsersApi.get_user", user_id=3))

    @get("/boom")
    async def boom(self, req: Request) -> Response:
        raise RuntimeError("kaput")


@path("/forms")
class FormsApi(Controller):
    @post("/login")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def login(self, req: Request, data: UserData) -> dict:
        return data.model_dump()

    @post("/upload")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def upload(self, req: Request, document: UploadedFile, extras: list[UploadedFile]) -> dict:
        form = await req.form()
        content = await document.read()
        return {
            "filename": document.filename,
            "content_type": document.content_type,
            "size": document.size,
            "content": content.decode(),
            "title": form["title"],
            "extras": [f.filename for f in extras],
        }

    @post("/save")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def save(self, req: Request, document: UploadedFile) -> dict:
        target = req.app.get_conf("UPLOAD_TARGET")
        written = await document.save(target)
        return {"written": written}

    @post("/files")
    async def files(self, req: Request) -> dict:
        files = await req.files()
        return {name: [f.filename, (await f.read()).decode()] for name, f in files.items()}

    @get("/listed")
    async def listed(self, req: Request) -> Response[list[PublicUser]]:
        return req.response.json([{"id": 1, "email": "a", "secret": "x"}, PublicUser(id=2, email="b")])

    @post("/raw")
    @consumes(MediaType.TEXT_PLAIN)
    async def raw(self, req: Request, text: str) -> dict:
        return {"text": text}


@pytest.fixture
async def client(tmp_path):
    app = make_app(UsersApi, FormsApi, UPLOAD_TARGET=str(tmp_path / "saved.bin"))
    async with TestClient(app) as c:
        yield c


async def test_route_parameter_is_converted(client) -> None:
    res = await client.get("/api/v1/users/5")
    assert res.status_code == 200
    assert res.json() == {"id": 5, "type": "int"}
    assert res.headers["content-type"] == "application/json"


async def test_json_body_is_validated_and_injected(client) -> None:
    res = await client.post("/api/v1/users/", json={"email": "a@b.c", "fullname": "Ann"})
    assert res.status_code == 201
    assert res.json() == {"email": "a@b.c", "fullname": "Ann"}


async def test_invalid_body_lists_each_field_error(client) -> None:
    res = await client.post("/api/v1/users", json={"fullname": "A"})
    assert res.status_code == 422
    body = res.json()
    assert body["message"] == "Validation failed"
    assert {tuple(e["loc"]) for e in body["errors"]} == {("body", "email"), ("body", "fullname")}


async def test_malformed_json_is_400(client) -> None:
    res = await client.post("/api/v1/users", content=b"{nope", headers={"content-type": "application/json"})
    assert res.status_code == 400
    assert "Malformed JSON" in res.json()["message"]


async def test_empty_body_is_422(client) -> None:
    res = await client.post("/api/v1/users", headers={"content-type": "application/json"})
    assert res.status_code == 422
    assert res.json()["errors"] == [{"loc": ["body"], "msg": "Field required", "type": "missing"}]


async def test_wrong_content_type_is_415(client) -> None:
    res = await client.post("/api/v1/users", content=b"email=x", headers={"content-type": "text/plain"})
    assert res.status_code == 415
    assert "application/json" in res.json()["message"]


async def test_response_model_filters_fields(client) -> None:
    res = await client.put("/api/v1/users/4", json={"email": "a@b.c", "fullname": "Ann"})
    assert res.status_code == 200
    assert res.json() == {"id": 4, "email": "a@b.c"}


async def test_patch_and_delete(client) -> None:
    res = await client.patch("/api/v1/users/4", json={"x": 1})
    assert res.json() == {"patched": 4, "body": {"x": 1}}
    res = await client.delete("/api/v1/users/4")
    assert res.status_code == 204
    assert res.content == b""


async def test_typed_query_parameters(client) -> None:
    res = await client.get("/api/v1/users/search?q=x&page=3&ratio=1.5&active=true&tags=a&tags=b")
    assert res.json() == {"q": "x", "page": 3, "ratio": 1.5, "active": True, "tags": ["a", "b"], "cursor": None}
    res = await client.get("/api/v1/users/search?q=y")
    assert res.json()["page"] == 1


async def test_bad_query_parameters_are_422(client) -> None:
    res = await client.get("/api/v1/users/search?page=two")
    assert res.status_code == 422
    locs = {tuple(e["loc"]) for e in res.json()["errors"]}
    assert locs == {("query", "q"), ("query", "page")}


async def test_serializes_rich_types(client) -> None:
    res = await client.get("/api/v1/users/types")
    assert res.json() == {
        "when": "2026-01-02T03:04:05+00:00",
        "id": "12345678-1234-5678-1234-567812345678",
        "price": "9.99",
        "point": {"x": 1, "y": 2},
        "model": {"id": 1, "email": "a@b.c"},
    }


async def test_sync_handler_runs_in_a_thread(client) -> None:
    res = await client.get("/api/v1/users/sync")
    assert res.json() == {"thread": True}


async def test_streaming_response(client) -> None:
    res = await client.get("/api/v1/users/stream")
    assert res.text == "0\n1\n2\n"
    assert "content-length" not in res.headers


async def test_text_and_headers(client) -> None:
    res = await client.get("/api/v1/users/text")
    assert res.text == "plain"
    assert res.headers["x-extra"] == "1"
    assert res.headers["content-type"].startswith("text/plain")


async def test_redirect_uses_url_for(client) -> None:
    res = await client.get("/api/v1/users/redirect")
    assert res.status_code == 303
    assert res.headers["location"] == "/api/v1/users/3"


async def test_unknown_route_and_wrong_method(client) -> None:
    res = await client.get("/nowhere")
    assert res.status_code == 404
    assert res.json()["status"] == "error"
    res = await client.post("/api/v1/users/5")
    assert res.status_code == 405
    assert res.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"


async def test_head_and_options_are_automatic(client) -> None:
    res = await client.head("/api/v1/users/5")
    assert res.status_code == 200
    assert res.content == b""
    assert res.headers["content-length"] == str(len(b'{"id":5,"type":"int"}'))
    res = await client.options("/api/v1/users/5")
    assert res.status_code == 204
    assert "GET" in res.headers["allow"]


async def test_unhandled_error_is_500_json(client) -> None:
    res = await client.get("/api/v1/users/boom")
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}


async def test_urlencoded_form_into_model(client) -> None:
    res = await client.post("/forms/login", data={"email": "a@b.c", "fullname": "Ann"})
    assert res.json() == {"email": "a@b.c", "fullname": "Ann"}
    res = await client.post("/forms/login", data={"email": "a@b.c"})
    assert res.status_code == 422


async def test_multipart_upload(client) -> None:
    files = [
        ("document", ("notes.txt", b"hello upload", "text/plain")),
        ("extras", ("a.bin", b"1", "application/octet-stream")),
        ("extras", ("b.bin", b"2", "application/octet-stream")),
    ]
    res = await client.post("/forms/upload", data={"title": "T"}, files=files)
    assert res.status_code == 200
    assert res.json() == {
        "filename": "notes.txt",
        "content_type": "text/plain",
        "size": 12,
        "content": "hello upload",
        "title": "T",
        "extras": ["a.bin", "b.bin"],
    }


async def test_upload_missing_file_is_422(client) -> None:
    res = await client.post("/forms/save", data={"title": "no file"}, files={"other": ("x", b"1")})
    assert res.status_code == 422
    assert res.json()["errors"] == [{"loc": ["body", "document"], "msg": "Field required", "type": "missing"}]


async def test_upload_save(client, tmp_path) -> None:
    payload = bytes(range(256)) * 8000  # bigger than the in-memory spool
    res = await client.post("/forms/save", files={"document": ("big.bin", payload)})
    assert res.json() == {"written": len(payload)}
    assert (tmp_path / "saved.bin").read_bytes() == payload


async def test_form_endpoint_refuses_json(client) -> None:
    res = await client.post("/forms/login", json={"email": "a"})
    assert res.status_code == 415


async def test_text_body(client) -> None:
    res = await client.post("/forms/raw", content="héllo".encode(), headers={"content-type": "text/plain"})
    assert res.json() == {"text": "héllo"}


async def test_concurrent_requests_do_not_share_state(client) -> None:
    results = await asyncio.gather(*(client.get(f"/api/v1/users/{i}") for i in range(50)))
    assert [r.json()["id"] for r in results] == list(range(50))


async def test_request_files(client) -> None:
    res = await client.post("/forms/files", data={"field": "v"}, files={"a": ("a.txt", b"AAA"), "b": ("b.txt", b"BB")})
    assert res.json() == {"a": ["a.txt", "AAA"], "b": ["b.txt", "BB"]}


async def test_response_model_list_filters_each_item(client) -> None:
    res = await client.get("/forms/listed")
    assert res.json() == [{"id": 1, "email": "a"}, {"id": 2, "email": "b"}]
