"""Every resource appears in the app's OpenAPI document with its schemas, parameters and responses."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from openapi_spec_validator import validate

from surge.controller import Controller, get, path
from surge.http.request import Request
from surge.rest import (
    AllowAny,
    Authentication,
    Field,
    Filtering,
    HttpMethod,
    JWTAuthentication,
    Pagination,
    RestEndpoint,
    Serializer,
)
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class CatalogEndpoint(RestEndpoint):
    """Books in the catalog."""

    title: str = Field(min_length=1, max_length=120, description="The title")
    price: Decimal = Field(ge=0, decimal_places=2)
    category: str = Field(min_length=1)
    note: str | None = None

    class Meta:
        filtering = Filtering(fields=["category"], search=["title"], ordering=["title", "price"])
        pagination = Pagination(style="page_number", page_size=10)
        serializer = Serializer(read=["id", "title", "price", "category", "version"], write=["id", "title", "version"])
        authentication = Authentication(backend=JWTAuthentication, permission={"GET": AllowAny})


class FeedItemEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
    text: str = Field(min_length=1)

    class Meta:
        pagination = Pagination(style="cursor")

    async def post(self, request: Request) -> Any:
        """Create an item (custom)."""
        return await self._create_async(json.loads(await request.body()))


@path("/health")
class Health(Controller):
    @get("/")
    async def health(self, req: Request) -> dict[str, str]:
        return {"status": "ok"}


async def test_document_describes_the_resources(sqlite_target: Target) -> None:
    app = rest_app(
        sqlite_target,
        {"/catalog": CatalogEndpoint, "/feed": FeedItemEndpoint},
        controllers=(Health,),
        DEBUG=True,
        REST_API={"JWT_SECRET": "x" * 32, "LOGIN_VALIDATOR": "test_authentication:validator"},
    )
    async with TestClient(app) as client:
        response = await client.get("/openapi/specs.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    paths = spec["paths"]
    assert set(paths) >= {"/catalog", "/catalog/{id}", "/feed", "/feed/{id}", "/health", "/auth/login", "/auth/token"}
    assert set(paths["/catalog"]) == {"get", "post"} and set(paths["/catalog/{id}"]) == {"get", "put", "patch", "delete"}
    assert set(paths["/feed"]) == {"get", "post"} and set(paths["/feed/{id}"]) == {"get"}
    schemas = spec["components"]["schemas"]

    listing = paths["/catalog"]["get"]
    assert listing["tags"] == ["CatalogEndpoint"] and listing["operationId"] == "CatalogEndpoint.list"
    params = {p["name"]: p for p in listing["parameters"]}
    assert set(params) == {"category", "search", "ordering", "page"}
    assert all(p["in"] == "query" and not p["required"] for p in params.values())
    assert "title, -title, price, -price" in params["ordering"]["description"]
    assert params["page"]["schema"]["minimum"] == 1 and params["page"]["schema"]["default"] == 1
    page_ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schemas[page_ref.rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"count", "pages", "next", "previous", "results"}
    read_ref = page["properties"]["results"]["items"]["$ref"]
    read = schemas[read_ref.rsplit("/", 1)[1]]
    assert list(read["properties"]) == ["id", "title", "price", "category", "version"]
    assert listing["security"] == [{"bearerAuth": []}, {}]  # GET is AllowAny: the token is optional

    create = paths["/catalog"]["post"]
    body_ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schemas[body_ref.rsplit("/", 1)[1]]
    assert set(body["properties"]) == {"title", "price", "category", "note"}
    assert set(body["required"]) == {"title", "price", "category"}
    assert body["properties"]["title"]["maxLength"] == 120 and body["properties"]["title"]["description"] == "The title"
    # a JSON body: malformed (400), too large (413), another media type (415), invalid (422)
    assert set(create["responses"]) == {"201", "400", "401", "403", "409", "413", "415", "422"}
    write_ref = create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert list(schemas[write_ref.rsplit("/", 1)[1]]["properties"]) == ["id", "title", "version"]
    # the resource's own 422 body, or the framework's (e.g. a value out of range for its column)
    own, framework = create["responses"]["422"]["content"]["application/json"]["schema"]["anyOf"]
    assert framework == {"$ref": "#/components/schemas/ValidationErrorResponse"}
    error_ref = own["$ref"]
    assert "detail" in schemas[error_ref.rsplit("/", 1)[1]]["properties"]
    assert create["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}

    update = paths["/catalog/{id}"]["put"]
    assert update["parameters"] == [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    update_body = schemas[update["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert "version" in update_body["required"]
    patch_body = schemas[
        paths["/catalog/{id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    ]
    assert patch_body["required"] == ["version"]
    assert set(update["responses"]) >= {"200", "404", "409", "422"}
    delete = paths["/catalog/{id}"]["delete"]
    assert "204" in delete["responses"] and "content" not in delete["responses"]["204"]

    feed = paths["/feed"]["get"]
    assert {p["name"] for p in feed["parameters"]} == {"cursor"}
    assert "400" in feed["responses"]
    custom = paths["/feed"]["post"]
    assert custom["summary"] == "Create an item (custom)."  # the override's docstring
    assert paths["/feed"]["get"]["summary"] == "List FeedItem"
    custom_schema = custom["requestBody"]["content"]["application/json"]["schema"]
    assert custom_schema["required"] == ["text"]

    login = paths["/auth/login"]["post"]
    assert set(login["responses"]) >= {"200", "401", "422"}
    assert {tag["name"] for tag in spec["tags"]} >= {"CatalogEndpoint", "FeedItemEndpoint", "auth"}
    catalog_tag = next(tag for tag in spec["tags"] if tag["name"] == "CatalogEndpoint")
    assert catalog_tag["description"] == "Books in the catalog."
