"""The generated OpenAPI 3.1 document: what it describes, what it leaves out, and that it validates."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, Field, create_model

from surge import BaseConfig, HttpStatus, MediaType, Request, Response, Surge, UploadedFile
from surge.controller import (
    Controller,
    Descriptor,
    consumes,
    delete,
    development,
    get,
    open_api_docs,
    path,
    post,
    produces,
    put,
)
from surge.controller.spec import add_controller_guard, controller_spec, endpoint_spec
from surge.extension import BaseExtension
from surge.openapi import SecuritySchemeProvider, build_openapi
from surge.testing import TestClient

from surge_testkit import make_app


class ErrorResponse(BaseModel):
    status: str
    message: str


class UserIn(BaseModel):
    email: str
    fullname: str = Field(description="Full name")


class UserOut(BaseModel):
    id: int
    email: str


@path("/api/v1/users", tags=["Users"])
class UsersApi(Controller):
    """Manage the users of the system.

    More words that stay out of the tag description.
    """

    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    @open_api_docs(
        Descriptor(status=HttpStatus.NOT_FOUND, description="User not found", body=ErrorResponse),
        Descriptor(status=HttpStatus.BAD_REQUEST, description="Bad request", body=ErrorResponse),
    )
    async def get_user(self, req: Request, user_id: int) -> Response[UserOut]:
        """Returns a user by user_id

        The user is looked up by its numeric id.
        """
        return req.response.json({"id": user_id, "email": "a@example.com"})

    @get("/")
    async def list_users(
        self,
        req: Request,
        page: int = 1,
        search: str | None = None,
        size: Annotated[int, Field(ge=1, le=100, description="Page size")] = 20,
        roles: list[str] = [],  # noqa: B006
    ) -> Response[list[UserOut]]:
        """List users."""
        return req.response.json([])

    @post("/", status_code=201)
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def create_user(self, req: Request, user_data: UserIn) -> Response[UserOut]:
        """Creates new user"""
        return req.response.json({"id": 1, "email": user_data.email}).status(201)

    @put("/by-uuid/<uuid:key>")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def replace_user(self, req: Request, key: uuid.UUID, user_data: UserIn) -> Response:
        return req.response.no_content()

    @post("/<int:user_id>/avatar")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def upload_avatar(self, req: Request, user_id: int, avatar: UploadedFile) -> Response:
        """Upload a profile picture."""
        return req.response.no_content()

    @delete("/<int:user_id>", open_api_spec=False)
    async def delete_user(self, req: Request, user_id: int) -> Response:
        return req.response.no_content()

    @get("/preview")
    @development
    async def preview(self, req: Request) -> Response:
        """Not ready for production."""
        return req.response.text("preview")

    @get("/both")
    @post("/both")
    async def both(self, req: Request) -> Response:
        return req.response.text("both")


@path("/internal", open_api_spec=False)
class InternalApi(Controller):
    @get("/health")
    async def health(self, req: Request) -> Response:
        return req.response.text("ok")


@path("/reports")
class ReportsApi(Controller):
    @get("/latest")
    async def latest(self, req: Request) -> Response[UserOut]:
        return req.response.json({"id": 1, "email": "r@example.com"})


def make(**settings: Any) -> Surge:
    settings.setdefault("DEBUG", False)
    settings.setdefault("APP_NAME", "Users service")
    settings.setdefault("VERSION", "2.3")
    application = Surge(__name__, configs=BaseConfig(**settings))
    for controller in (UsersApi, InternalApi, ReportsApi):
        application.register_controller(controller)
    return application


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    spec = build_openapi(make())
    validate(spec)
    return spec


def test_document_is_valid_openapi_31_with_app_info(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "Users service", "version": "2.3", "description": "Simple API"}


def test_route_converters_become_typed_path_parameters(document: dict[str, Any]) -> None:
    operation = document["paths"]["/api/v1/users/{user_id}"]["get"]
    assert operation["parameters"] == [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    by_uuid = document["paths"]["/api/v1/users/by-uuid/{key}"]["put"]
    assert by_uuid["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}


def test_typed_query_parameters(document: dict[str, Any]) -> None:
    params = {p["name"]: p for p in document["paths"]["/api/v1/users"]["get"]["parameters"]}
    assert params["page"] == {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "default": 1}}
    assert params["search"]["schema"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert params["size"]["description"] == "Page size"
    assert params["size"]["schema"]["maximum"] == 100 and params["size"]["schema"]["minimum"] == 1
    assert params["roles"]["schema"]["type"] == "array"
    assert params["roles"]["explode"] is True


def test_request_bodies_come_from_consumes_models(document: dict[str, Any]) -> None:
    create = document["paths"]["/api/v1/users"]["post"]
    assert create["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserIn"}}},
    }
    form = document["paths"]["/api/v1/users/by-uuid/{key}"]["put"]["requestBody"]["content"]
    assert form == {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/UserIn"}}}
    upload = document["paths"]["/api/v1/users/{user_id}/avatar"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"] == {
        "type": "object",
        "properties": {"avatar": {"type": "string", "format": "binary"}},
        "required": ["avatar"],
    }


def test_responses_from_annotations_status_codes_and_descriptors(document: dict[str, Any]) -> None:
    get_user = document["paths"]["/api/v1/users/{user_id}"]["get"]["responses"]
    assert get_user["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/UserOut"}
    # the app's own 404 body, or the router's (a path value the converter refuses): both documented
    assert get_user["404"] == {
        "description": "User not found",
        "content": {"application/json": {"schema": {"anyOf": [
            {"$ref": "#/components/schemas/ErrorResponse"}, {"$ref": "#/components/schemas/SurgeErrorResponse"}
        ]}}},
    }
    assert get_user["400"]["description"] == "Bad request"
    created = document["paths"]["/api/v1/users"]["post"]["responses"]
    assert set(created) == {"201", "400", "413", "415", "422"}  # a body: malformed, too large, wrong type, invalid
    assert created["201"]["description"] == "Created"
    listed = document["paths"]["/api/v1/users"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/UserOut"}}
    assert created["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrorResponse"
    }


def test_shared_models_appear_once_in_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    # the app's model named ErrorResponse keeps its name; the framework's error body gives way
    assert set(schemas) == {"ErrorResponse", "SurgeErrorResponse", "UserIn", "UserOut", "ValidationErrorResponse"}
    assert schemas["UserIn"]["properties"]["fullname"]["description"] == "Full name"
    text = str(document["paths"])
    assert text.count("#/components/schemas/UserOut") == 4  # get, list, create, reports


def test_tags_summaries_and_descriptions(document: dict[str, Any]) -> None:
    get_user = document["paths"]["/api/v1/users/{user_id}"]["get"]
    assert get_user["tags"] == ["Users"]
    assert get_user["summary"] == "Returns a user by user_id"
    assert get_user["description"] == "The user is looked up by its numeric id."
    assert get_user["operationId"] == "UsersApi.get_user"
    assert document["paths"]["/reports/latest"]["get"]["tags"] == ["ReportsApi"]
    tags = {tag["name"]: tag for tag in document["tags"]}
    assert tags["Users"]["description"] == "Manage the users of the system."
    assert "description" not in tags["ReportsApi"]


def test_hidden_and_development_endpoints_are_left_out(document: dict[str, Any]) -> None:
    assert "delete" not in document["paths"]["/api/v1/users/{user_id}"]
    assert "/internal/health" not in document["paths"]
    assert "/api/v1/users/preview" not in document["paths"]
    assert not [p for p in document["paths"] if p.startswith("/openapi") or p.startswith("/static")]
    in_debug = build_openapi(make(DEBUG=True))
    assert "/api/v1/users/preview" in in_debug["paths"]
    assert not [p for p in in_debug["paths"] if p.startswith("/openapi")]


def test_one_handler_on_two_methods_gets_two_operation_ids(document: dict[str, Any]) -> None:
    both = document["paths"]["/api/v1/users/both"]
    ids = {both["get"]["operationId"], both["post"]["operationId"]}
    assert len(ids) == 2
    assert all(operation_id.startswith("UsersApi.both") for operation_id in ids)


class SecuredApi(Controller):
    @get("/me")
    async def me(self, req: Request) -> Response:
        return req.response.json({})

    @get("/token-only")
    async def token_only(self, req: Request) -> Response:
        return req.response.json({})


async def _allow(req: Request) -> None:
    return None


class AuthLike(BaseExtension, SecuritySchemeProvider):
    """Stands for the auth extension: declares its scheme the way the contract says."""

    def openapi_security_schemes(self) -> dict[str, Any]:
        return {"cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"}}


def test_security_schemes_of_guarded_endpoints() -> None:
    secured = path("/secure")(type("SecuredApiCopy", (SecuredApi,), {}))
    add_controller_guard(secured, _allow)
    controller_spec(secured).extra["security"] = [{"cookieAuth": []}]
    token_only = endpoint_spec(SecuredApi.token_only)
    token_only.extra["security"] = [{"bearerAuth": []}]
    token_only.extra["openapi"] = {"responses": {"401": {"description": "Not logged in"}}}
    application = Surge(__name__, configs=BaseConfig(DEBUG=False))
    AuthLike().init_app(application)
    application.register_controller(secured)
    spec = build_openapi(application)
    validate(spec)
    assert spec["paths"]["/secure/me"]["get"]["security"] == [{"cookieAuth": []}]
    assert spec["paths"]["/secure/token-only"]["get"]["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/secure/token-only"]["get"]["responses"]["401"] == {"description": "Not logged in"}
    assert spec["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"},
        "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
    }


FirstItem = create_model("Item", a=(int, ...), __module__="inventory.one")
SecondItem = create_model("Item", b=(str, ...), __module__="inventory.two")


@path("/items")
class ItemsApi(Controller):
    @get("/one")
    async def one(self, req: Request) -> Response[FirstItem]:  # type: ignore[valid-type]
        return req.response.json({"a": 1})

    @get("/two")
    async def two(self, req: Request) -> Response[SecondItem]:  # type: ignore[valid-type]
        return req.response.json({"b": "x"})


def test_models_with_the_same_name_do_not_collide() -> None:
    application = Surge(__name__, configs=BaseConfig(DEBUG=False))
    application.register_controller(ItemsApi)
    spec = build_openapi(application)
    validate(spec)
    responses = [spec["paths"][f"/items/{name}"]["get"]["responses"]["200"] for name in ("one", "two")]
    refs = {response["content"]["application/json"]["schema"]["$ref"] for response in responses}
    assert len(refs) == 2
    assert len(spec["components"]["schemas"]) == 2


# A body model without @consumes is documented as JSON (the spec must still serialize).
class Payload(BaseModel):
    name: str


@path("/things")
class Things(Controller):
    @post("/")
    async def create(self, req: Request, payload: Payload) -> dict:
        return payload.model_dump()


async def test_inferred_json_body_in_spec() -> None:
    async with TestClient(make_app(Things, DEBUG=True)) as client:
        assert (await client.post("/things", json={"name": "x"})).json() == {"name": "x"}
        res = await client.get("/openapi/specs.json")
        assert res.status_code == 200
        spec = res.json()
        validate(spec)
        body = spec["paths"]["/things"]["post"]["requestBody"]["content"]
        assert list(body) == ["application/json"]
