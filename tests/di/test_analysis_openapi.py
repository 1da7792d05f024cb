"""Providers' own query and header parameters appear in the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any

from openapi_spec_validator import validate
from pydantic import Field

from surge import Inject, Request
from surge.controller import Controller, get, path
from surge.di import FromHeader
from surge.openapi import build_openapi

from surge_testkit import make_app


class Paging:
    def __init__(self, page: int, tags: list[str]) -> None:
        self.page, self.tags = page, tags


def paging(page: Annotated[int, Field(ge=1, description="Page number")] = 1, tags: list[str] | None = None) -> Paging:
    return Paging(page, tags or [])


class Tenant:
    def __init__(self, name: str) -> None:
        self.name = name


def tenant(x_tenant: Annotated[str, FromHeader()], paging: Paging) -> Tenant:
    return Tenant(x_tenant)


@path("/items")
class ItemsApi(Controller):
    tenant: Inject[Tenant]

    @get("")
    async def list_items(self, req: Request, paging: Paging, q: str = "") -> dict[str, Any]:
        return {"page": paging.page, "q": q, "tenant": self.tenant.name}

    @get("/plain")
    async def plain(self, req: Request) -> dict[str, Any]:
        return {"tenant": self.tenant.name}


def test_provider_parameters_are_documented() -> None:
    app = make_app(ItemsApi)
    app.add_dependency(paging)
    app.add_dependency(tenant)
    spec = build_openapi(app)
    validate(spec)
    operation = spec["paths"]["/items"]["get"]
    by_name = {(p["in"], p["name"]): p for p in operation["parameters"]}
    assert set(by_name) == {("query", "q"), ("query", "page"), ("query", "tags"), ("header", "x-tenant")}
    assert by_name[("query", "page")]["required"] is False
    assert by_name[("query", "page")]["description"] == "Page number"
    assert by_name[("query", "page")]["schema"]["default"] == 1
    assert by_name[("query", "page")]["schema"]["minimum"] == 1
    assert by_name[("query", "tags")]["explode"] is True
    assert by_name[("header", "x-tenant")]["required"] is True
    assert "422" in operation["responses"]
    # the controller attribute's provider reads the header on every endpoint of the controller
    plain = spec["paths"]["/items/plain"]["get"]
    assert {(p["in"], p["name"]) for p in plain["parameters"]} == {("header", "x-tenant"), ("query", "page"), ("query", "tags")}
