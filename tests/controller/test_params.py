"""Parameters written as FastAPI users write them: Query, Header, Cookie, Path, Body, Form, File."""

from typing import Annotated

from pydantic import BaseModel

from surge import Body, Cookie, File, Form, Header, Path, Query, Request, UploadedFile
from surge.controller import Controller, get, path, post
from surge.testing import TestClient

from surge_testkit import make_app


class Item(BaseModel):
    name: str
    price: float


class User(BaseModel):
    username: str


@path("/p")
class ParamsApi(Controller):
    @get("/items")
    async def items(
        self,
        req: Request,
        per_page: Annotated[int, Query(ge=1, le=100, alias="per-page", description="Page size")] = 10,
        q: Annotated[str | None, Query(min_length=2, max_length=5, pattern="^[a-z]+$")] = None,
        tags: Annotated[list[str], Query(default_factory=list)] = ...,  # type: ignore[assignment]
        step: int = Query(5, multiple_of=5),
    ) -> dict:
        return {"per_page": per_page, "q": q, "tags": tags, "step": step}

    @get("/headers")
    async def headers(
        self,
        user_agent: Annotated[str, Header()],
        x_token: Annotated[list[str] | None, Header()] = None,
        trace: Annotated[str | None, Header(alias="X-Trace-Id")] = None,
        raw_name: Annotated[str | None, Header(convert_underscores=False)] = None,
        count: Annotated[int, Header(ge=0)] = 0,
    ) -> dict:
        return {"user_agent": user_agent, "x_token": x_token, "trace": trace, "raw_name": raw_name, "count": count}

    @get("/cookies")
    async def cookies(
        self,
        session_id: Annotated[str, Cookie(min_length=4)],
        theme: Annotated[str, Cookie(alias="ui-theme")] = "light",
    ) -> dict:
        return {"session_id": session_id, "theme": theme}

    @get("/users/<int:user_id>/<slug>")
    async def user(
        self, user_id: Annotated[int, Path(gt=0, le=1000)], name: Annotated[str, Path(alias="slug", max_length=8)]
    ) -> dict:
        return {"user_id": user_id, "name": name}

    @post("/embed")
    async def embed(self, item: Annotated[Item, Body(embed=True)]) -> dict:
        return {"name": item.name, "price": item.price}

    @post("/several")
    async def several(
        self, item: Item, user: User, importance: Annotated[int, Body(gt=0)], note: Annotated[str, Body()] = "none"
    ) -> dict:
        return {"item": item.name, "user": user.username, "importance": importance, "note": note}

    @post("/scalar")
    async def scalar(self, count: Annotated[int, Body(ge=1)]) -> dict:
        return {"count": count}

    @post("/optional")
    async def optional(self, item: Annotated[Item | None, Body()] = None) -> dict:
        return {"item": None if item is None else item.name}

    @post("/login")
    async def login(
        self,
        username: Annotated[str, Form(min_length=3)],
        password: Annotated[str, Form()],
        remember: Annotated[bool, Form(alias="remember-me")] = False,
        roles: Annotated[list[str], Form(default_factory=list)] = ...,  # type: ignore[assignment]
    ) -> dict:
        return {"username": username, "password": password, "remember": remember, "roles": roles}

    @post("/form-model")
    async def form_model(self, user: Annotated[User, Form()]) -> dict:
        return {"username": user.username}

    @post("/upload")
    async def upload(
        self,
        title: Annotated[str, Form()],
        doc: Annotated[UploadedFile, File(alias="document", description="The document")],
        raw: Annotated[bytes, File()],
        extra: Annotated[list[UploadedFile], File()] = [],  # noqa: B006
    ) -> dict:
        return {
            "title": title,
            "doc": doc.filename,
            "size": len(await doc.read()),
            "raw": raw.decode(),
            "extra": [f.filename for f in extra],
        }


def client() -> TestClient:
    return TestClient(make_app(ParamsApi))


async def test_query_constraints_alias_and_defaults() -> None:
    async with client() as c:
        ok = await c.get("/p/items", params=[("per-page", "20"), ("q", "abc"), ("tags", "a"), ("tags", "b")])
        default = await c.get("/p/items")
        too_big = await c.get("/p/items", params={"per-page": "101"})
        by_name = await c.get("/p/items", params={"per_page": "0"})
        bad_pattern = await c.get("/p/items", params={"q": "ABC"})
        too_long = await c.get("/p/items", params={"q": "abcdef"})
        not_multiple = await c.get("/p/items", params={"step": "7"})
    assert ok.status_code == 200
    assert ok.json() == {"per_page": 20, "q": "abc", "tags": ["a", "b"], "step": 5}
    assert default.json() == {"per_page": 10, "q": None, "tags": [], "step": 5}
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["type"] == "less_than_equal"
    assert too_big.json()["errors"][0]["loc"] == ["query", "per-page"]
    assert by_name.status_code == 200 and by_name.json()["per_page"] == 10  # the wire name is the alias
    assert bad_pattern.status_code == 422 and bad_pattern.json()["errors"][0]["type"] == "string_pattern_mismatch"
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["type"] == "string_too_long"
    assert not_multiple.status_code == 422 and not_multiple.json()["errors"][0]["type"] == "multiple_of"


async def test_headers_convert_underscores_alias_and_lists() -> None:
    async with client() as c:
        ok = await c.get(
            "/p/headers",
            headers={"User-Agent": "probe/1", "X-Token": "a, b", "X-Trace-Id": "t1", "raw_name": "r", "count": "3"},
        )
        missing = await c.get("/p/headers", headers={"User-Agent": ""})
        negative = await c.get("/p/headers", headers={"count": "-1"})
    assert ok.status_code == 200
    assert ok.json() == {"user_agent": "probe/1", "x_token": ["a", "b"], "trace": "t1", "raw_name": "r", "count": 3}
    assert missing.status_code == 200 and missing.json()["user_agent"] == ""
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["loc"] == ["header", "count"]


async def test_cookies_with_alias_and_constraints() -> None:
    async with client() as c:
        c.cookies.set("session_id", "abcdef")
        c.cookies.set("ui-theme", "dark")
        ok = await c.get("/p/cookies")
        c.cookies.set("session_id", "ab")
        short = await c.get("/p/cookies")
        c.cookies.clear()
        missing = await c.get("/p/cookies")
    assert ok.json() == {"session_id": "abcdef", "theme": "dark"}
    assert short.status_code == 422 and short.json()["errors"][0]["type"] == "string_too_short"
    assert missing.status_code == 422
    assert missing.json()["errors"][0] == {"loc": ["cookie", "session_id"], "msg": "Field required", "type": "missing"}


async def test_path_constraints_and_alias() -> None:
    async with client() as c:
        ok = await c.get("/p/users/7/jane")
        zero = await c.get("/p/users/0/jane")
        long_slug = await c.get("/p/users/7/abcdefghij")
    assert ok.json() == {"user_id": 7, "name": "jane"}
    assert zero.status_code == 422 and zero.json()["errors"][0]["loc"] == ["path", "user_id"]
    assert long_slug.status_code == 422 and long_slug.json()["errors"][0]["loc"] == ["path", "slug"]


async def test_body_embed_and_several_body_parameters() -> None:
    async with client() as c:
        embedded = await c.post("/p/embed", json={"item": {"name": "pen", "price": 2}})
        not_embedded = await c.post("/p/embed", json={"name": "pen", "price": 2})
        several = await c.post(
            "/p/several", json={"item": {"name": "pen", "price": 2}, "user": {"username": "jo"}, "importance": 3}
        )
        bad_importance = await c.post(
            "/p/several", json={"item": {"name": "pen", "price": 2}, "user": {"username": "jo"}, "importance": 0}
        )
        scalar = await c.post("/p/scalar", json=4)
        scalar_low = await c.post("/p/scalar", json=0)
        empty_optional = await c.post("/p/optional")
        given_optional = await c.post("/p/optional", json={"name": "cup", "price": 1})
    assert embedded.json() == {"name": "pen", "price": 2.0}
    assert not_embedded.status_code == 422 and not_embedded.json()["errors"][0]["loc"] == ["body", "item"]
    assert several.json() == {"item": "pen", "user": "jo", "importance": 3, "note": "none"}
    assert bad_importance.status_code == 422 and bad_importance.json()["errors"][0]["loc"] == ["body", "importance"]
    assert scalar.json() == {"count": 4}
    assert scalar_low.status_code == 422
    assert empty_optional.json() == {"item": None}
    assert given_optional.json() == {"item": "cup"}


async def test_form_fields_and_form_model() -> None:
    async with client() as c:
        ok = await c.post(
            "/p/login",
            data={"username": "alice", "password": "pw", "remember-me": "true", "roles": ["a", "b"]},
        )
        short = await c.post("/p/login", data={"username": "al", "password": "pw"})
        missing = await c.post("/p/login", data={"username": "alice"})
        json_sent = await c.post("/p/login", json={"username": "alice", "password": "pw"})
        model = await c.post("/p/form-model", data={"username": "bob"})
    assert ok.json() == {"username": "alice", "password": "pw", "remember": True, "roles": ["a", "b"]}
    assert short.status_code == 422 and short.json()["errors"][0]["type"] == "string_too_short"
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == ["body", "password"]
    assert json_sent.status_code == 415
    assert model.json() == {"username": "bob"}


async def test_files_with_alias_bytes_and_lists() -> None:
    async with client() as c:
        ok = await c.post(
            "/p/upload",
            data={"title": "report"},
            files=[
                ("document", ("a.txt", b"hello", "text/plain")),
                ("raw", ("r.bin", b"raw-bytes", "application/octet-stream")),
                ("extra", ("x1.txt", b"1", "text/plain")),
                ("extra", ("x2.txt", b"2", "text/plain")),
            ],
        )
        missing = await c.post(
            "/p/upload", data={"title": "t"}, files=[("raw", ("r.bin", b"x", "application/octet-stream"))]
        )
    assert ok.status_code == 200
    assert ok.json() == {"title": "report", "doc": "a.txt", "size": 5, "raw": "raw-bytes", "extra": ["x1.txt", "x2.txt"]}
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["body", "document"]


@path("/k")
class KeyApi(Controller):
    @get("/")
    async def key(
        self,
        x_api_key: Annotated[str, Header(description="The caller's key", examples=["k-1"])],
        old: Annotated[str | None, Query(deprecated=True)] = None,
        hidden: Annotated[str | None, Query(include_in_schema=False)] = None,
    ) -> dict:
        return {"key": x_api_key, "hidden": hidden}


async def test_a_missing_required_header_is_a_422_naming_it() -> None:
    async with TestClient(make_app(KeyApi)) as c:
        missing = await c.get("/k/")
        given = await c.get("/k/", headers={"X-API-Key": "k-9"}, params={"hidden": "h"})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"loc": ["header", "x-api-key"], "msg": "Field required", "type": "missing"}]
    assert given.json() == {"key": "k-9", "hidden": "h"}


def _operation(document: dict, path_: str, method: str) -> dict:
    return document["paths"][path_][method]


def test_openapi_shows_every_source_with_its_constraints() -> None:
    from openapi_spec_validator import validate

    from surge.openapi import build_openapi

    document = build_openapi(make_app(ParamsApi, KeyApi))  # type: ignore[arg-type]
    validate(document)
    items = {p["name"]: p for p in _operation(document, "/p/items", "get")["parameters"]}
    assert items["per-page"] == {
        "name": "per-page",
        "in": "query",
        "required": False,
        "description": "Page size",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
    }
    assert items["q"]["schema"]["anyOf"][0] == {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"}
    assert items["tags"]["required"] is False and items["tags"]["explode"] is True
    assert items["step"]["schema"]["multipleOf"] == 5

    headers = {p["name"]: p for p in _operation(document, "/p/headers", "get")["parameters"]}
    assert headers["user-agent"]["in"] == "header" and headers["user-agent"]["required"] is True
    assert set(headers) == {"user-agent", "x-token", "x-trace-id", "raw_name", "count"}
    assert headers["count"]["schema"]["minimum"] == 0

    cookies = {p["name"]: p for p in _operation(document, "/p/cookies", "get")["parameters"]}
    assert cookies["session_id"] == {"name": "session_id", "in": "cookie", "required": True, "schema": {"type": "string", "minLength": 4}}
    assert cookies["ui-theme"]["schema"]["default"] == "light"

    user_params = {p["name"]: p for p in _operation(document, "/p/users/{user_id}/{slug}", "get")["parameters"]}
    assert user_params["user_id"]["schema"] == {"type": "integer", "exclusiveMinimum": 0, "maximum": 1000}
    assert user_params["slug"]["schema"] == {"type": "string", "maxLength": 8}

    key = {p["name"]: p for p in _operation(document, "/k", "get")["parameters"]}
    assert key["x-api-key"]["description"] == "The caller's key"
    assert key["x-api-key"]["schema"]["examples"] == ["k-1"]
    assert key["old"]["deprecated"] is True
    assert "hidden" not in key
    assert "422" in _operation(document, "/k", "get")["responses"]


def test_openapi_request_bodies_of_body_form_and_file_parameters() -> None:
    from surge.openapi import build_openapi

    document = build_openapi(make_app(ParamsApi))  # type: ignore[arg-type]
    schemas = document["components"]["schemas"]

    def body_schema(path_: str, media: str) -> dict:
        schema = _operation(document, path_, "post")["requestBody"]["content"][media]["schema"]
        return schemas[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema

    embed = body_schema("/p/embed", "application/json")
    assert embed["required"] == ["item"] and embed["properties"]["item"] == {"$ref": "#/components/schemas/Item"}
    several = body_schema("/p/several", "application/json")
    assert set(several["properties"]) == {"item", "user", "importance", "note"}
    assert several["properties"]["importance"]["exclusiveMinimum"] == 0
    assert body_schema("/p/scalar", "application/json") == {"type": "integer", "minimum": 1}
    assert _operation(document, "/p/optional", "post")["requestBody"]["required"] is True  # documented; empty allowed
    login = body_schema("/p/login", "application/x-www-form-urlencoded")
    assert set(login["properties"]) == {"username", "password", "remember-me", "roles"}
    assert login["properties"]["username"]["minLength"] == 3
    upload = _operation(document, "/p/upload", "post")["requestBody"]["content"]["multipart/form-data"]["schema"]
    form_part, files_part = upload["allOf"]
    assert files_part["properties"]["document"] == {"type": "string", "format": "binary", "description": "The document"}
    assert files_part["properties"]["extra"]["type"] == "array"
    assert files_part["required"] == ["document", "raw"]
