"""JSON-RPC 2.0: calls by position and by name, batches, notifications, the spec's error codes, OpenAPI."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

from surge import BaseConfig, Request, Surge
from surge.controller import path
from surge.exceptions import ImproperlyConfigured
from surge.jsonrpc import JsonRpcController, JsonRpcError, rpc_method
from surge.openapi import build_openapi
from surge.testing import TestClient


class Point(BaseModel):
    x: int
    y: int = Field(ge=0)


@path("/rpc")
class Calculator(JsonRpcController):
    """Arithmetic over JSON-RPC."""

    def __init__(self, app: Surge) -> None:
        super().__init__(app)
        self.seen: list[str] = []

    @rpc_method("add")
    async def add(self, a: int, b: int = 0) -> int:
        """Add two integers."""
        return a + b

    @rpc_method("math.norm")
    def norm(self, point: Point) -> dict[str, int]:
        return {"l1": abs(point.x) + point.y}

    @rpc_method()
    async def log(self, message: str, req: Request) -> None:
        self.seen.append(f"{req.method} {message}")

    @rpc_method("fail")
    async def fail(self) -> None:
        raise RuntimeError("secret detail")

    @rpc_method("refuse")
    async def refuse(self, amount: int) -> None:
        raise JsonRpcError(1001, "Insufficient funds", {"missing": amount})


def _app() -> Surge:
    application = Surge(configs=BaseConfig(DEBUG=False, ACCESS_LOG=False, APP_NAME="rpc", VERSION="1.0"))
    application.register_controller(Calculator)
    return application


async def _rpc(client: TestClient, body: object) -> tuple[int, object]:
    res = await client.post("/rpc", json=body)
    return res.status_code, (res.json() if res.content else None)


async def test_params_by_position_and_by_name() -> None:
    async with TestClient(_app()) as client:
        assert await _rpc(client, {"jsonrpc": "2.0", "method": "add", "params": [2, 3], "id": 1}) == (
            200,
            {"jsonrpc": "2.0", "result": 5, "id": 1},
        )
        by_name = {"jsonrpc": "2.0", "method": "add", "params": {"b": 4, "a": "1"}, "id": "x"}
        assert await _rpc(client, by_name) == (200, {"jsonrpc": "2.0", "result": 5, "id": "x"})
        nested = {"jsonrpc": "2.0", "method": "math.norm", "params": {"point": {"x": -2, "y": 3}}, "id": None}
        assert await _rpc(client, nested) == (200, {"jsonrpc": "2.0", "result": {"l1": 5}, "id": None})


async def test_notifications_get_no_response_but_run() -> None:
    application = _app()
    async with TestClient(application) as client:
        status, body = await _rpc(client, {"jsonrpc": "2.0", "method": "log", "params": ["hello"]})
        assert (status, body) == (204, None)
        controller = application.controllers["Calculator"]
        assert isinstance(controller, Calculator)
        assert controller.seen == ["POST hello"]


async def test_a_batch_answers_every_call_but_the_notifications() -> None:
    batch = [
        {"jsonrpc": "2.0", "method": "add", "params": [1, 2], "id": "1"},
        {"jsonrpc": "2.0", "method": "log", "params": ["n"]},
        {"jsonrpc": "2.0", "method": "nope", "id": "2"},
        {"foo": "boo"},
        1,
    ]
    async with TestClient(_app()) as client:
        status, body = await _rpc(client, batch)
        assert status == 200
        assert isinstance(body, list) and len(body) == 4  # the notification has no answer
        assert body[0] == {"jsonrpc": "2.0", "result": 3, "id": "1"}
        assert body[1] == {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found: nope"}, "id": "2"}
        assert [(item["error"]["code"], item["id"]) for item in body[2:]] == [(-32600, None), (-32600, None)]
        only_notifications = [{"jsonrpc": "2.0", "method": "log", "params": ["a"]}] * 2
        assert await _rpc(client, only_notifications) == (204, None)


@pytest.mark.parametrize(
    ("raw", "code", "request_id"),
    [
        (b'{"jsonrpc": "2.0", "method": "add", "params": [1, 2', -32700, None),
        (b"[]", -32600, None),
        (b'{"jsonrpc": "1.0", "method": "add", "id": 3}', -32600, 3),
        (b'{"jsonrpc": "2.0", "method": 1, "params": "bar", "id": 4}', -32600, 4),
        (b'{"jsonrpc": "2.0", "method": "add", "id": {"x": 1}}', -32600, None),
        (b'{"jsonrpc": "2.0", "method": "subtract", "id": 5}', -32601, 5),
        (b'{"jsonrpc": "2.0", "method": "add", "params": {"a": "x"}, "id": 6}', -32602, 6),
        (b'{"jsonrpc": "2.0", "method": "add", "params": [1, 2, 3], "id": 7}', -32602, 7),
        (b'{"jsonrpc": "2.0", "method": "add", "params": {"a": 1, "c": 2}, "id": 8}', -32602, 8),
        (b'{"jsonrpc": "2.0", "method": "add", "id": 9}', -32602, 9),
        (b'{"jsonrpc": "2.0", "method": "fail", "id": 10}', -32603, 10),
    ],
)
async def test_the_spec_error_codes(raw: bytes, code: int, request_id: object) -> None:
    async with TestClient(_app()) as client:
        res = await client.post("/rpc", content=raw, headers={"content-type": "application/json"})
    assert res.status_code == 200
    body = res.json()
    assert body["jsonrpc"] == "2.0" and body["id"] == request_id
    assert body["error"]["code"] == code
    assert "secret detail" not in res.text


async def test_invalid_params_say_which_field_and_own_errors_keep_their_code() -> None:
    async with TestClient(_app()) as client:
        _, body = await _rpc(client, {"jsonrpc": "2.0", "method": "math.norm", "params": [{"x": 1, "y": -1}], "id": 1})
        assert isinstance(body, dict)
        assert body["error"]["message"] == "Invalid params"
        assert body["error"]["data"][0]["loc"] == ["point", "y"]
        _, body = await _rpc(client, {"jsonrpc": "2.0", "method": "refuse", "params": [5], "id": 2})
        assert body == {"jsonrpc": "2.0", "error": {"code": 1001, "message": "Insufficient funds", "data": {"missing": 5}}, "id": 2}


async def test_the_endpoint_is_one_documented_post_operation() -> None:
    document = build_openapi(_app())
    validate(document)
    operation = document["paths"]["/rpc"]["post"]
    assert operation["summary"] == "JSON-RPC 2.0: add, fail, log, math.norm, refuse"
    assert "- `add(a, b)`: Add two integers." in operation["description"]
    calls = operation["requestBody"]["content"]["application/json"]["schema"]["anyOf"][0]["anyOf"]
    add = next(call for call in calls if call["properties"]["method"] == {"const": "add"})
    assert add["properties"]["params"]["anyOf"][0]["required"] == ["a"]
    norm = next(call for call in calls if call["properties"]["method"] == {"const": "math.norm"})
    point = norm["properties"]["params"]["anyOf"][0]["properties"]["point"]
    assert point["properties"]["y"]["minimum"] == 0  # nested models are inlined, no dangling $defs
    assert "$defs" not in str(document["paths"])
    assert set(operation["responses"]) >= {"200", "204"}


def test_a_duplicate_method_name_fails_at_registration() -> None:
    class Twice(JsonRpcController):
        @rpc_method("same")
        async def one(self) -> None: ...

        @rpc_method("same")
        async def two(self) -> None: ...

    application = Surge(configs=BaseConfig(DEBUG=False))
    with pytest.raises(ImproperlyConfigured, match="'same' is defined twice in Twice"):
        application.register_controller(Twice)
