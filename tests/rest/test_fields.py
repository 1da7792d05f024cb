"""Every type and Field option of the seed's tables, the auto columns, and declaration errors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Optional

import pytest
from sqlalchemy import Boolean, DateTime, Float, Integer, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from surge.database.sql import create_declarative_base
from surge.rest import ConfigurationError, Field, RestEndpoint
from surge.testing import TestClient
from surge.testing.client import LifespanFailed

from rest_testkit import Target, rest_app


class AuthorEndpoint(RestEndpoint):
    name: str = Field(min_length=1, max_length=80, unique=True)


class ProductEndpoint(RestEndpoint):
    name: str = Field(min_length=1, max_length=200)
    price: Decimal = Field(ge=0, decimal_places=2)
    weight: float = Field(default=1.5, gt=0)
    stock: int = Field(default=0, ge=0)
    in_stock: bool = Field(default=True)
    released: datetime
    sku: uuid.UUID
    description: Optional[str] = None
    rating: Optional[int] = None
    author_id: Optional[int] = Field(default=None, foreign_key="authorendpoints.id", index=True)
    cached_score: float = Field(default=0.0, exclude=True)

    class Meta:
        table = "products"


def test_columns_follow_the_annotations() -> None:
    table = ProductEndpoint._model_class.__table__
    expected = {
        "id": (Integer, False),
        "name": (String, False),
        "price": (Numeric, False),
        "weight": (Float, False),
        "stock": (Integer, False),
        "in_stock": (Boolean, False),
        "released": (DateTime, False),
        "sku": (Uuid, False),
        "description": (String, True),
        "rating": (Integer, True),
        "author_id": (Integer, True),
        "created_at": (DateTime, False),
        "updated_at": (DateTime, False),
        "version": (Integer, False),
    }
    assert set(table.c.keys()) == set(expected)  # cached_score is excluded: no column
    for name, (kind, nullable) in expected.items():
        column = table.c[name]
        sql_type = getattr(column.type, "impl_instance", column.type)
        assert isinstance(sql_type, kind), name
        assert column.nullable is nullable, name
    assert table.c["name"].type.length == 200
    assert table.c["price"].type.scale == 2
    assert table.c["id"].primary_key
    assert [fk.target_fullname for fk in table.c["author_id"].foreign_keys] == ["authorendpoints.id"]
    assert table.c["author_id"].index is True
    assert AuthorEndpoint._model_class.__table__.c["name"].unique is True
    assert "cached_score" not in ProductEndpoint.__schema_create__.model_fields
    assert "cached_score" not in ProductEndpoint.__schema_read__.model_fields


def test_auto_fields_are_outputs_only() -> None:
    create = ProductEndpoint.__schema_create__.model_fields
    assert not {"id", "created_at", "updated_at", "version"} & set(create)
    assert {"id", "created_at", "updated_at", "version"} <= set(ProductEndpoint.__schema_read__.model_fields)
    assert {name for name, info in create.items() if info.is_required()} == {"name", "price", "released", "sku"}


def _product(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Widget",
        "price": "19.99",
        "released": "2024-05-01T12:30:00+02:00",
        "sku": "12345678-1234-5678-1234-567812345678",
    }
    body.update(changes)
    return body


async def test_every_type_round_trips(target: Target) -> None:
    app = rest_app(target, {"/authors": AuthorEndpoint, "/products": ProductEndpoint})
    async with TestClient(app) as client:
        author = (await client.post("/authors", json={"name": "Ada"})).json()
        created = await client.post("/products", json=_product(author_id=author["id"], description="small"))
        assert created.status_code == 201, created.text
        product = created.json()
        assert product["price"] == "19.99"
        assert product["weight"] == 1.5 and product["stock"] == 0 and product["in_stock"] is True
        assert product["released"] == "2024-05-01T10:30:00+00:00"  # stored in UTC
        assert product["sku"] == "12345678-1234-5678-1234-567812345678"
        assert product["description"] == "small" and product["rating"] is None and product["author_id"] == author["id"]
        assert "cached_score" not in product
        again = (await client.get(f"/products/{product['id']}")).json()
        assert again == product
    rows = await target.fetch("SELECT name, stock, in_stock, author_id FROM products")
    assert [(row[0], row[1], bool(row[2]), row[3]) for row in rows] == [("Widget", 0, True, 1)]
    stored = (await target.fetch("SELECT price FROM products"))[0][0]
    assert Decimal(str(stored)) == Decimal("19.99")


async def test_constraints_are_validated(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/authors": AuthorEndpoint, "/products": ProductEndpoint})) as client:
        cases = {
            "price": _product(price="-1"),
            "name": _product(name="x" * 201),
            "sku": _product(sku="not-a-uuid"),
            "released": _product(released="yesterday"),
            "weight": _product(weight=0),
        }
        for field, body in cases.items():
            response = await client.post("/products", json=body)
            assert response.status_code == 422, field
            assert response.json()["detail"][0]["loc"] == ["body", field]
        too_precise = await client.post("/products", json=_product(price="1.234"))
        assert too_precise.status_code == 422 and too_precise.json()["detail"][0]["loc"] == ["body", "price"]


async def test_unique_and_foreign_key_violations_are_409(target: Target) -> None:
    app = rest_app(target, {"/authors": AuthorEndpoint, "/products": ProductEndpoint})
    async with TestClient(app) as client:
        assert (await client.post("/authors", json={"name": "Ada"})).status_code == 201
        duplicate = await client.post("/authors", json={"name": "Ada"})
        assert duplicate.status_code == 409
        assert duplicate.json()["detail"] == "A record with the same unique value already exists"
        assert duplicate.json()["constraint"] == "unique"
        dangling = await client.post("/products", json=_product(author_id=999))
        assert dangling.status_code == 409 and dangling.json()["constraint"] == "foreign_key"
        second = (await client.post("/authors", json={"name": "Bob"})).json()
        clash = await client.put(f"/authors/{second['id']}", json={"name": "Ada", "version": 1})
        assert clash.status_code == 409 and clash.json()["constraint"] == "unique"
        assert (await client.get(f"/authors/{second['id']}")).json()["name"] == "Bob"


async def test_index_exists_in_the_database(target: Target) -> None:
    async with TestClient(rest_app(target, {"/authors": AuthorEndpoint, "/products": ProductEndpoint})):
        pass
    if target.kind == "sqlite":
        rows = await target.fetch("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'products'")
    else:
        rows = await target.fetch(f"SELECT indexname FROM pg_indexes WHERE schemaname = '{target.schema}' AND tablename = 'products'")
    assert any("author_id" in row[0] for row in rows)


async def test_created_and_updated_timestamps(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/authors": AuthorEndpoint})) as client:
        before = datetime.now(UTC)
        created = (await client.post("/authors", json={"name": "Ada"})).json()
        updated = (await client.patch("/authors/1", json={"name": "Ada L.", "version": 1})).json()
    created_at = datetime.fromisoformat(created["created_at"])
    assert created_at >= before.replace(microsecond=0) and created_at.tzinfo is not None
    assert datetime.fromisoformat(updated["updated_at"]) >= datetime.fromisoformat(created["updated_at"])
    assert updated["created_at"] == created["created_at"]


def test_redeclaring_an_auto_field_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="'version' is added automatically"):

        class Bad(RestEndpoint):
            version: int


def test_an_unmapped_type_names_the_field() -> None:
    with pytest.raises(ConfigurationError, match=r"Bad2\.tags: type .*list.* has no column mapping.*exclude=True"):

        class Bad2(RestEndpoint):
            tags: list[str]


def test_excluded_fields_may_have_any_type() -> None:
    class Fine(RestEndpoint):
        name: str
        tags: list[str] = Field(default_factory=list, exclude=True)

    assert set(Fine.__schema_create__.model_fields) == {"name"}


def test_meta_options_are_checked() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown Meta option\(s\) \['paginate'\]"):

        class Typo(RestEndpoint):
            name: str

            class Meta:
                paginate = True

    with pytest.raises(ConfigurationError, match="Meta.pagination must be a Pagination"):

        class WrongKind(RestEndpoint):
            name: str

            class Meta:
                pagination = {"style": "cursor"}


def test_field_names_may_not_hide_endpoint_methods() -> None:
    with pytest.raises(ConfigurationError, match=r"field name\(s\) \['create'\]"):

        class Clash(RestEndpoint):
            create: str = Field()


def test_table_name_defaults_to_the_class_name() -> None:
    assert AuthorEndpoint._model_class.__table__.name == "authorendpoints"
    assert ProductEndpoint._meta["table"] == "products"


Base = create_declarative_base("db")


class Customer(Base):  # type: ignore[misc, valid-type]
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


class InvoiceEndpoint(RestEndpoint):
    customer_id: int = Field(foreign_key="customers.id")
    total: float = Field(ge=0)


async def test_foreign_keys_may_point_at_the_apps_models(target: Target) -> None:
    app = rest_app(target, {"/invoices": InvoiceEndpoint}, SQL_DATABASE=target.section(CREATE_ALL=True))
    app.models.append(Customer)
    async with TestClient(app) as client:
        await target.execute("INSERT INTO customers (id, name) VALUES (7, 'Ada')")
        assert (await client.post("/invoices", json={"customer_id": 7, "total": 3})).status_code == 201
        assert (await client.post("/invoices", json={"customer_id": 8, "total": 3})).status_code == 409


async def test_a_foreign_key_to_an_unknown_table_fails_at_startup(sqlite_target: Target) -> None:
    class Orphan(RestEndpoint):
        parent_id: int = Field(foreign_key="nowhere.id")

    with pytest.raises(LifespanFailed, match="foreign_key 'nowhere.id' points at a table that is neither"):
        async with TestClient(rest_app(sqlite_target, {"/orphans": Orphan})):
            pass
