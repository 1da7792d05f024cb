"""The seed README's controllers and decorators: HTTP methods, @consumes/@produces, @open_api_docs,
@development, before/after request hooks and websockets, run as the seed writes them.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from typing import Any

import pytest
from loguru import logger
from pydantic import BaseModel

from surge import HttpStatus, MediaType, Request, Response
from surge.controller import (
    Controller,
    Descriptor,
    after_request,
    before_request,
    consumes,
    delete,
    development,
    get,
    patch,
    path,
    post,
    produces,
    put,
)
from surge.testing import TestClient

from seed_app import UserData, UsersApi
from surge_testkit import make_app

MODULE = __name__


@pytest.fixture
async def users_client():
    async with TestClient(make_app(UsersApi)) as client:
        yield client


async def test_controller_get_with_int_route_parameter(users_client) -> None:
    res = await users_client.get("/api/v1/users/42")
    assert res.status_code == 200
    assert res.headers["content-type"] == "application/json"
    assert res.json() == {"id": 42, "fullname": "John Doe", "email": "johndoe@email.com"}


async def test_controller_post_consumes_validated_json(users_client) -> None:
    res = await users_client.post("/api/v1/users/", json={"email": "a@b.c", "fullname": "Ann", "extra": 1})
    assert res.status_code == 201
    assert res.headers["content-type"] == "application/json"
    assert res.json() == {"email": "a@b.c", "fullname": "Ann"}


async def test_controller_post_invalid_body_is_422(users_client) -> None:
    res = await users_client.post("/api/v1/users/", json={"email": "a@b.c"})
    assert res.status_code == 422
    assert res.json()["errors"][0]["loc"] == ["body", "fullname"]
    res = await users_client.post("/api/v1/users/", headers={"content-type": "application/json"})  # missing
    assert res.status_code == 422
    assert res.json()["errors"] == [{"loc": ["body"], "msg": "Field required", "type": "missing"}]


async def test_controller_registered_through_config_string() -> None:
    application = make_app(CONTROLLERS=[f"{MODULE}:UsersApi"])
    async with TestClient(application) as client:
        res = await client.get("/api/v1/users/1")
        assert (res.status_code, res.json()["id"]) == (200, 1)


@path("/crud", open_api_spec=False, tags=["Crud"])
class CrudApi(Controller):
    @get("/", open_api_spec=True, tags=["Read"])
    async def read(self, req: Request) -> Response:
        return req.response.json({"method": req.method})

    @post("/")
    async def create(self, req: Request) -> Response:
        return req.response.json({"method": req.method}).status(HttpStatus.CREATED)

    @put("/<int:item_id>")
    async def replace(self, req: Request, item_id: int) -> Response:
        return req.response.json({"method": req.method, "id": item_id})

    @patch("/<int:item_id>")
    async def update(self, req: Request, item_id: int) -> Response:
        return req.response.json({"method": req.method, "id": item_id})

    @delete("/<int:item_id>")
    async def remove(self, req: Request, item_id: int) -> Response:
        return req.response.no_content()

    @post("/form")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def form(self, req: Request, data: UserData) -> Response:
        return req.response.json(data)

    @get("/html")
    @produces(MediaType.TEXT_HTML)
    async def html(self, req: Request) -> Response:
        return req.response.html_from_string("<b>{{ word }}</b>", {"word": "bold"})

    @delete("/nothing")
    @produces(MediaType.NO_CONTENT)
    async def nothing(self, req: Request) -> Response:
        return req.response.no_content()

    @get("/mismatch")
    @produces(MediaType.APPLICATION_JSON)
    async def mismatch(self, req: Request) -> Response:
        return req.response.text("plain")


async def test_every_http_method_decorator() -> None:
    async with TestClient(make_app(CrudApi)) as client:
        assert (await client.get("/crud")).json() == {"method": "GET"}
        res = await client.post("/crud")
        assert (res.status_code, res.json()) == (201, {"method": "POST"})
        assert (await client.put("/crud/3")).json() == {"method": "PUT", "id": 3}
        assert (await client.patch("/crud/3")).json() == {"method": "PATCH", "id": 3}
        res = await client.delete("/crud/3")
        assert (res.status_code, res.content) == (204, b"")


async def test_consumes_form_urlencoded_into_model() -> None:
    async with TestClient(make_app(CrudApi)) as client:
        res = await client.post("/crud/form", data={"email": "a@b.c", "fullname": "Ann"})
        assert (res.status_code, res.json()) == (200, {"email": "a@b.c", "fullname": "Ann"})
        res = await client.post("/crud/form", json={"email": "a@b.c", "fullname": "Ann"})
        assert res.status_code == 415


async def test_produces_sets_the_content_type() -> None:
    async with TestClient(make_app(CrudApi)) as client:
        res = await client.get("/crud/html")
        assert res.headers["content-type"].startswith("text/html")
        assert res.text == "<b>bold</b>"
        res = await client.delete("/crud/nothing")
        assert res.status_code == 204
        assert "content-type" not in res.headers  # NO_CONTENT ("empty") is not a wire media type


async def test_produces_warns_when_the_endpoint_sets_another_media_type() -> None:
    application = make_app(CrudApi)
    messages: list[str] = []
    sink = logger.add(lambda message: messages.append(str(message)), level="WARNING", format="{message}")
    try:
        async with TestClient(application) as client:
            res = await client.get("/crud/mismatch")
            await client.get("/crud/mismatch")
    finally:
        logger.remove(sink)
    assert (res.status_code, res.text) == (200, "plain")
    assert res.headers["content-type"].startswith("text/plain")
    warnings = [m for m in messages if "CrudApi.mismatch" in m]
    assert len(warnings) == 1 and "application/json" in warnings[0]


def test_descriptor_defaults_match_the_seed() -> None:
    descriptor = Descriptor()
    assert descriptor.status == HttpStatus.BAD_REQUEST
    assert descriptor.description is None
    assert descriptor.media_type == MediaType.APPLICATION_JSON
    assert descriptor.body is None


@development
@path("/dev")
class DevApi(Controller):
    @get("/")
    async def index(self, req: Request) -> Response:
        return req.response.text("dev")


@path("/mixed")
class MixedApi(Controller):
    @get("/ready")
    async def ready(self, req: Request) -> Response:
        return req.response.text("ready")

    @development
    @get("/draft")
    async def draft(self, req: Request) -> Response:
        return req.response.text("draft")


@pytest.mark.parametrize("debug", [False, True])
async def test_development_controllers_and_endpoints_only_in_debug(debug: bool) -> None:
    application = make_app(DevApi, MixedApi, DEBUG=debug)
    async with TestClient(application) as client:
        assert (await client.get("/mixed/ready")).status_code == 200
        assert (await client.get("/dev")).status_code == (200 if debug else 404)
        assert (await client.get("/mixed/draft")).status_code == (200 if debug else 404)


class ResponseModel(BaseModel):
    message: str
    status: str
    data: Any | None = None


@path("/api/v1/hooked", tags=["Users"])
class HookedApi(Controller):
    @before_request
    async def before_request_method(self, req: Request):
        """Some before request logic"""
        req.state.trail = ["before"]

    @before_request
    async def a_before_request_method(self, req: Request):  # alphabetical: runs first
        req.state.first = "a_before"

    @after_request
    async def after_request_method(self, res: Response):
        """Some after request logic"""
        res.set_header("x-after", "yes")

    @get("/")
    @produces(MediaType.APPLICATION_JSON)
    async def get_users(self, req: Request) -> Response[ResponseModel]:
        """Endpoint for returning all app users"""
        response: ResponseModel = ResponseModel(
            message=f"{req.state.first},{','.join(req.state.trail)}", status="success", data=None
        )
        return req.response.json(response).status(HttpStatus.OK)


async def test_before_and_after_request_hooks() -> None:
    async with TestClient(make_app(HookedApi)) as client:
        res = await client.get("/api/v1/hooked")
    assert res.status_code == 200
    assert res.json() == {"message": "a_before,before", "status": "success", "data": None}
    assert res.headers["x-after"] == "yes"


async def test_socket_handler_echoes(users_client) -> None:
    async with users_client.websocket_connect("/api/v1/users/ws") as ws:
        await ws.send_text("hi")
        assert await ws.receive_text() == "Hello from server. Echo: hi"
        await ws.send_text("again")
        assert await ws.receive_text() == "Hello from server. Echo: again"
