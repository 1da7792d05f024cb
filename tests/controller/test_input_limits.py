"""Route/query ints bounded to 64 bits, @consumes answering 415, @produces(status_code=...)."""

from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from surge import MediaType, Request, Response, UploadedFile
from surge.controller import Controller, consumes, get, path, post, produces
from surge.openapi import build_openapi
from surge.testing import TestClient

from surge_testkit import make_app

BIG = 2**63  # one over the largest signed 64-bit int


class Task(BaseModel):
    title: str


@path("/")
class Api(Controller):
    @get("/tasks/<int:task_id>")
    async def task(self, req: Request, task_id: int) -> dict:
        return {"id": task_id}

    @get("/untyped/<int:task_id>")
    async def untyped(self, req: Request) -> dict:
        return {"id": req.route_parameters["task_id"]}

    @get("/wide/<int:big>")
    async def wide(self, req: Request, big: Annotated[int, Field(le=10**30)]) -> dict:
        return {"digits": len(str(big))}

    @get("/floor/<int:n>")
    async def floor(self, req: Request, n: Annotated[int, Field(ge=5)]) -> dict:
        return {"n": n}

    @get("/page")
    async def page(
        self, req: Request, page: int = 1, ids: list[int] | None = None, cap: int | None = None
    ) -> dict:
        return {"page": page, "ids": ids, "cap": cap}

    @get("/wide-query")
    async def wide_query(self, req: Request, n: Annotated[int, Field(le=10**30)] = 0) -> dict:
        return {"digits": len(str(n))}

    @post("/json")
    @consumes(MediaType.APPLICATION_JSON)
    async def create(self, req: Request, task: Task) -> Response:
        return req.response.json(task).status(201)

    @post("/json-raw")
    @consumes(MediaType.APPLICATION_JSON)
    async def create_raw(self, req: Request) -> Response:
        return req.response.json(await req.json()).status(201)

    @post("/implicit")
    async def implicit(self, req: Request, task: Task) -> Response:
        return req.response.json(task).status(201)

    @post("/upload")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def upload(self, req: Request, file: UploadedFile) -> dict:
        return {"name": file.filename}

    @post("/form")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def form(self, req: Request, task: Task) -> dict:
        return {"title": task.title}

    @post("/made")
    @produces(MediaType.APPLICATION_JSON, status_code=201)
    async def made(self, req: Request) -> Response:
        return req.response.json({"ok": True})

    @post("/made-data")
    @produces(MediaType.APPLICATION_JSON, status_code=201)
    async def made_data(self, req: Request) -> dict:
        return {"ok": True}

    @post("/made-conflict")
    @produces(MediaType.APPLICATION_JSON, status_code=201)
    async def made_conflict(self, req: Request) -> Response:
        return req.response.json({"ok": False}).status(409)


@pytest.fixture
async def client():
    async with TestClient(make_app(Api)) as c:
        yield c


def _limit_error(source: str, name: str | int, *where: str | int) -> dict:
    return {
        "loc": [source, name, *where],
        "msg": f"Input should be less than or equal to {BIG - 1}",
        "type": "less_than_equal",
    }


async def test_route_int_up_to_64_bits_is_accepted(client) -> None:
    res = await client.get(f"/tasks/{BIG - 1}")
    assert (res.status_code, res.json()) == (200, {"id": BIG - 1})


@pytest.mark.parametrize("url", [f"/tasks/{BIG}", f"/untyped/{BIG}", f"/tasks/{10**40}"])
async def test_route_int_over_64_bits_is_422_naming_the_parameter(client, url: str) -> None:
    res = await client.get(url)
    assert res.status_code == 422
    assert res.json() == {
        "status": "error",
        "message": "Validation failed",
        "errors": [_limit_error("path", "task_id")],
    }


async def test_an_explicit_bound_widens_the_route_int(client) -> None:
    assert (await client.get(f"/wide/{10**25}")).json() == {"digits": 26}
    res = await client.get(f"/wide/{10**31}")
    assert res.status_code == 422
    assert res.json()["errors"][0]["loc"] == ["path", "big"]


async def test_a_lower_bound_alone_keeps_the_64_bit_ceiling(client) -> None:
    assert (await client.get("/floor/4")).json()["errors"][0]["type"] == "greater_than_equal"
    assert (await client.get(f"/floor/{BIG}")).json()["errors"] == [_limit_error("path", "n")]
    assert (await client.get("/floor/6")).json() == {"n": 6}


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (f"page={BIG}", _limit_error("query", "page")),
        (f"cap={BIG}", _limit_error("query", "cap")),
        (f"ids=1&ids={BIG}", _limit_error("query", "ids", 1)),
    ],
)
async def test_query_int_over_64_bits_is_422_naming_the_parameter(client, query: str, error: dict) -> None:
    res = await client.get(f"/page?{query}")
    assert res.status_code == 422
    assert res.json()["errors"] == [error]


async def test_query_int_plus_one_is_not_an_int(client) -> None:
    res = await client.get(f"/page?page={BIG - 1}+1")
    assert res.status_code == 422
    assert res.json()["errors"][0]["loc"] == ["query", "page"]


async def test_query_ints_in_range_and_widened(client) -> None:
    res = await client.get(f"/page?page={BIG - 1}&ids=-{BIG}")
    assert res.json() == {"page": BIG - 1, "ids": [-BIG], "cap": None}
    assert (await client.get(f"/wide-query?n={10**29}")).json() == {"digits": 30}


@pytest.mark.parametrize("url", ["/json", "/json-raw"])
@pytest.mark.parametrize("headers", [{}, {"content-type": "text/plain"}, {"content-type": "application/xml"}])
async def test_consumes_json_without_or_with_another_content_type_is_415(
    client, url: str, headers: dict
) -> None:
    res = await client.post(url, content=b'{"title": "x"}', headers=headers)
    assert res.status_code == 415
    assert res.json()["status"] == "error"
    assert "application/json" in res.json()["message"]


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/vnd.x+json"]
)
async def test_consumes_json_accepts_json_media_types(client, content_type: str) -> None:
    for url in ("/json", "/json-raw"):
        res = await client.post(url, content=b'{"title": "x"}', headers={"content-type": content_type})
        assert (res.status_code, res.json()) == (201, {"title": "x"})


async def test_a_body_parameter_without_consumes_takes_a_missing_content_type_as_json(client) -> None:
    assert (await client.post("/implicit", content=b'{"title": "x"}')).status_code == 201
    assert (
        await client.post("/implicit", content=b'{"title": "x"}', headers={"content-type": "text/csv"})
    ).status_code == 415


async def test_consumes_multipart_refuses_json_and_takes_files(client) -> None:
    assert (await client.post("/upload", json={"file": "x"})).status_code == 415
    assert (await client.post("/upload", content=b"raw")).status_code == 415
    res = await client.post("/upload", files={"file": ("a.txt", b"hello", "text/plain")})
    assert (res.status_code, res.json()) == (200, {"name": "a.txt"})


async def test_consumes_form_refuses_json(client) -> None:
    assert (await client.post("/form", json={"title": "x"})).status_code == 415
    assert (await client.post("/form", data={"title": "x"})).json() == {"title": "x"}


@pytest.mark.parametrize("url", ["/made", "/made-data"])
async def test_produces_status_code_is_the_default_status(client, url: str) -> None:
    res = await client.post(url)
    assert (res.status_code, res.json()) == (201, {"ok": True})
    assert res.headers["content-type"] == "application/json"


async def test_produces_status_code_keeps_a_status_the_handler_chose(client) -> None:
    assert (await client.post("/made-conflict")).status_code == 409


def test_openapi_documents_the_default_status_and_the_415() -> None:
    doc = build_openapi(make_app(Api))
    assert "201" in doc["paths"]["/made"]["post"]["responses"]
    assert "200" not in doc["paths"]["/made"]["post"]["responses"]
    for url in ("/json", "/json-raw", "/upload", "/form"):
        assert "415" in doc["paths"][url]["post"]["responses"], url


async def test_consumes_json_with_no_body_at_all_is_the_422_of_a_missing_body(client) -> None:
    res = await client.post("/json")
    assert res.status_code == 422
    assert res.json()["errors"] == [{"loc": ["body"], "msg": "Field required", "type": "missing"}]
