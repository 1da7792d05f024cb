"""TypedDict bodies, from ``typing`` and from ``typing_extensions``, on every supported Python.

Python 3.11 is the minimum: there pydantic refuses ``typing.TypedDict`` and
``typing.is_typeddict`` misses ``typing_extensions.TypedDict`` (which used to make it a
query parameter). Both are JSON bodies, validated, with nested and optional keys.
"""

from __future__ import annotations

import typing

import pytest
import typing_extensions

from surge import Request, Response
from surge.controller import Controller, path, post
from surge.openapi import build_openapi
from surge.testing import SyncTestClient, TestClient

from surge_testkit import make_app


class StdAddress(typing.TypedDict):
    city: str


class StdSignup(typing.TypedDict, total=False):
    email: typing.Required[str]
    age: int
    address: StdAddress
    others: list[StdAddress]


class ExtAddress(typing_extensions.TypedDict):
    city: str


class ExtSignup(typing_extensions.TypedDict):
    email: str
    age: typing_extensions.NotRequired[int]
    address: typing_extensions.NotRequired[ExtAddress]
    others: typing_extensions.NotRequired[list[ExtAddress]]


@path("/td")
class Api(Controller):
    @post("/std")
    async def std(self, req: Request, data: StdSignup) -> Response:
        return req.response.json({"got": data, "type": type(data).__name__})

    @post("/ext")
    async def ext(self, req: Request, data: ExtSignup) -> Response:
        return req.response.json({"got": data, "type": type(data).__name__})


FULL = {"email": "a@b.c", "age": "42", "address": {"city": "Kranj"}, "others": [{"city": "Bled"}]}
CASES = [
    ({"email": "a@b.c"}, 200, {"email": "a@b.c"}),
    (FULL, 200, {**FULL, "age": 42}),
    ({"age": 1}, 422, [["body", "email"]]),
    ({"email": "a", "address": {}}, 422, [["body", "address", "city"]]),
    ({"email": "a", "others": [{"city": 3}]}, 422, [["body", "others", 0, "city"]]),
]


def check(res, status: int, expected: object) -> None:
    assert res.status_code == status, res.text
    if status == 200:
        assert res.json() == {"got": expected, "type": "dict"}
    else:
        assert [error["loc"] for error in res.json()["errors"]] == expected


@pytest.mark.parametrize("kind", ["std", "ext"])
@pytest.mark.parametrize(("payload", "status", "expected"), CASES)
async def test_typeddict_bodies_async(kind: str, payload: dict, status: int, expected: object) -> None:
    async with TestClient(make_app(Api)) as client:
        check(await client.post(f"/td/{kind}", json=payload), status, expected)


@pytest.mark.parametrize("kind", ["std", "ext"])
def test_typeddict_bodies_sync(kind: str) -> None:
    with SyncTestClient(make_app(Api)) as client:
        for payload, status, expected in CASES:
            check(client.post(f"/td/{kind}", json=payload), status, expected)


@pytest.mark.parametrize("kind", ["std", "ext"])
def test_typeddict_bodies_are_documented(kind: str) -> None:
    application = make_app(Api)
    application.compile()
    spec = build_openapi(application)
    body = spec["paths"][f"/td/{kind}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    schema = spec["components"]["schemas"][name]
    assert schema["required"] == ["email"]
    assert set(schema["properties"]) == {"email", "age", "address", "others"}
    assert not any(p.get("name") == "data" for p in spec["paths"][f"/td/{kind}"]["post"].get("parameters", []))
