"""PyJolt's HTTP exceptions answer with their status and the one JSON error body."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from surge import Request, Response
from surge.auth import AuthenticationException as AuthExtensionRefusal
from surge.controller import Controller, get, path
from surge.exceptions import ExceptionHandler, NotFound, handles
from surge.exceptions.http_exceptions import (
    AuthenticationException,
    InvalidJWTError,
    MissingRequestData,
    PydanticSchemaValidationError,
    SchemaValidationError,
    StaticAssetNotFound,
    UnauthorizedException,
)
from surge.testing import TestClient

from surge_testkit import make_app


class Item(BaseModel):
    name: str
    price: float


@path("/raise")
class Raiser(Controller):
    @get("/asset")
    async def asset(self, req: Request) -> Response:
        raise StaticAssetNotFound()

    @get("/missing")
    async def missing(self, req: Request) -> Response:
        raise MissingRequestData("Field 'name' is required")

    @get("/schema")
    async def schema(self, req: Request) -> Response:
        raise SchemaValidationError({"name": ["required"]})

    @get("/pydantic")
    async def pydantic(self, req: Request) -> Response:
        try:
            Item.model_validate({"price": "cheap"})
        except ValidationError as exc:
            raise PydanticSchemaValidationError(exc.errors()) from exc
        raise AssertionError("unreachable")

    @get("/login")
    async def login(self, req: Request) -> Response:
        raise AuthenticationException("Please log in")

    @get("/roles")
    async def roles(self, req: Request) -> Response:
        raise UnauthorizedException("Admins only", ["admin"])

    @get("/jwt")
    async def jwt(self, req: Request) -> Response:
        raise InvalidJWTError("Token expired")


@pytest.fixture
async def client():
    async with TestClient(make_app(Raiser)) as c:
        yield c


@pytest.mark.parametrize(
    ("url", "status", "body"),
    [
        ("/raise/asset", 404, {"status": "error", "message": "Static asset not found"}),
        ("/raise/missing", 400, {"status": "error", "message": "Field 'name' is required"}),
        (
            "/raise/schema",
            422,
            {"status": "error", "message": "Data validation failed", "data": {"name": ["required"]}},
        ),
        ("/raise/login", 401, {"status": "error", "message": "Please log in"}),
        ("/raise/roles", 403, {"status": "error", "message": "Admins only", "data": ["admin"]}),
        ("/raise/jwt", 401, {"status": "error", "message": "Token expired"}),
    ],
)
async def test_status_and_body(client, url: str, status: int, body: dict) -> None:
    res = await client.get(url)
    assert res.status_code == status
    assert res.json() == body


async def test_pydantic_errors_are_grouped_by_field(client) -> None:
    res = await client.get("/raise/pydantic")
    assert res.status_code == 422
    data = res.json()["data"]
    assert sorted(data) == ["name", "price"]
    assert data["name"] == ["Field required"]
    assert len(data["price"]) == 1 and "number" in data["price"][0]


class NotFoundPage(ExceptionHandler):
    @handles(NotFound)
    async def not_found(self, req: Request, exc: NotFound) -> Response:
        return req.response.text(f"gone: {exc.message}").status(exc.status_code)


async def test_a_not_found_handler_sees_a_missing_asset() -> None:
    app = make_app(Raiser)
    app.add_exception_handler(NotFoundPage)
    async with TestClient(app) as c:
        res = await c.get("/raise/asset")
    assert (res.status_code, res.text) == (404, "gone: Static asset not found")


def test_the_auth_extension_raises_the_same_classes() -> None:
    assert AuthExtensionRefusal is AuthenticationException
    assert UnauthorizedException("x", ["a", "b"]).roles == ["a", "b"]
