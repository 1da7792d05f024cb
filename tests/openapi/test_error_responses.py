"""Every status an operation can answer is in the document, with the one error shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openapi_spec_validator import validate
from pydantic import BaseModel

from surge import MediaType, Request, Response, UploadedFile
from surge.controller import Controller, Descriptor, consumes, delete, get, open_api_docs, path, post
from surge.controller.spec import CallNext, add_endpoint_wrapper
from surge.extension import BaseExtension
from surge.openapi import ErrorResponsesProvider, build_openapi
from surge.security import RateLimiter, rate_limit
from surge.testing import TestClient

from surge_testkit import build_app

ERROR = {"$ref": "#/components/schemas/ErrorResponse"}
INVALID = {"$ref": "#/components/schemas/ValidationErrorResponse"}


class Item(BaseModel):
    name: str


class Teapot(ErrorResponsesProvider):
    """An endpoint step that may refuse with 418 (the role every such step takes)."""

    provides: tuple[str, ...] = ()

    def openapi_responses(self, method: str) -> Mapping[int, str]:
        return {418: "Short and stout"}

    def wrap(self, ctx: Any, call_next: CallNext) -> CallNext:
        return call_next


class Maintenance(BaseExtension[Any], ErrorResponsesProvider):
    """An extension that may answer 503 on writes (every operation of that method)."""

    configs_name = "MAINTENANCE"

    def configure(self, app: Any, config: Any) -> None:
        pass

    def openapi_responses(self, method: str) -> Mapping[int, str]:
        return {503: "Down for maintenance"} if method != "GET" else {}


@path("/items")
class ItemsApi(Controller):
    @get("/")
    async def listing(self, req: Request) -> Response:
        """No parameters, no body: nothing can go wrong but the handler itself."""
        return req.response.json([])

    @get("/<int:item_id>")
    async def show(self, req: Request, item_id: int, verbose: bool = False) -> Response:
        return req.response.json({"id": item_id})

    @post("/", status_code=201)
    @consumes(MediaType.APPLICATION_JSON)
    @rate_limit("100/minute")
    async def create(self, req: Request, item: Item) -> Response:
        return req.response.json(item).status(201)

    @post("/<int:item_id>/photo")
    async def photo(self, req: Request, item_id: int, photo: UploadedFile) -> Response:
        return req.response.no_content()

    @delete("/<int:item_id>")
    @open_api_docs(Descriptor(status=404, description="No such item", body=Item),
                   Descriptor(status=409, description="Item in use"))
    async def remove(self, req: Request, item_id: int) -> Response:
        return req.response.no_content()

    @get("/tea")
    async def tea(self, req: Request) -> Response:
        return req.response.json({})


add_endpoint_wrapper(ItemsApi.tea, Teapot())


def document() -> dict[str, Any]:
    app = build_app(extensions=[RateLimiter(), Maintenance()], controllers=[ItemsApi], DEBUG=False,
                    RATE_LIMITER={"BACKEND": "memory"})
    spec = build_openapi(app)
    validate(spec)
    return spec


def responses(spec: dict[str, Any], route: str, method: str) -> dict[str, Any]:
    return spec["paths"][route][method]["responses"]


def schema(response: dict[str, Any]) -> Any:
    return response["content"]["application/json"]["schema"]


def test_an_operation_without_inputs_declares_no_errors() -> None:
    assert set(responses(document(), "/items", "get")) == {"200"}


def test_path_and_query_values_mean_404_and_422() -> None:
    show = responses(document(), "/items/{item_id}", "get")
    assert set(show) == {"200", "404", "422"}
    assert schema(show["404"]) == ERROR and schema(show["422"]) == INVALID


def test_a_body_means_400_413_415_422_and_a_rate_limit_429() -> None:
    spec = document()
    create = responses(spec, "/items", "post")
    assert set(create) == {"201", "400", "413", "415", "422", "429", "503"}
    assert all(schema(create[code]) == ERROR for code in ("400", "413", "415", "429", "503"))
    assert schema(create["422"]) == INVALID
    error = spec["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["status", "message"] and set(error["properties"]) == {"status", "message", "data", "errors"}


def test_uploads_are_bodies_too() -> None:
    assert {"400", "404", "413", "415", "422"} <= set(responses(document(), "/items/{item_id}/photo", "post"))


def test_declared_bodies_stay_and_the_router_404_is_added() -> None:
    remove = responses(document(), "/items/{item_id}", "delete")
    assert schema(remove["404"]) == {"anyOf": [{"$ref": "#/components/schemas/Item"}, ERROR]}
    assert remove["409"] == {"description": "Item in use", "content": {"application/json": {"schema": ERROR}}}
    assert remove["503"]["description"] == "Down for maintenance"  # the extension's, on a DELETE


def test_steps_declare_their_own_statuses() -> None:
    tea = responses(document(), "/items/tea", "get")
    assert set(tea) == {"200", "418"}  # the extension adds nothing to GETs
    assert tea["418"] == {"description": "Short and stout", "content": {"application/json": {"schema": ERROR}}}


async def test_the_documented_shapes_are_what_the_app_sends() -> None:
    from jsonschema import validate as check

    spec = document()
    app = build_app(extensions=[RateLimiter(), Maintenance()], controllers=[ItemsApi], DEBUG=False,
                    RATE_LIMITER={"BACKEND": "memory"})
    components = {"components": spec["components"]}
    async with TestClient(app) as client:
        answers = {
            ("/items/{item_id}", "get", "404"): await client.get("/items/abc"),
            ("/items/{item_id}", "get", "422"): await client.get("/items/1?verbose=maybe"),
            ("/items", "post", "400"): await client.post("/items/", content=b"{", headers={"content-type": "application/json"}),
            ("/items", "post", "415"): await client.post("/items/", content=b"x", headers={"content-type": "text/plain"}),
            ("/items", "post", "422"): await client.post("/items/", json={"name": 1}),
            ("/items/{item_id}/photo", "post", "422"): await client.post("/items/1/photo", files={"other": b"x"}),
        }
    for (route, method, status), answer in answers.items():
        assert str(answer.status_code) == status, (route, method, answer.text)
        declared = schema(responses(spec, route, method)[status])
        check(answer.json(), {**declared, **components})
