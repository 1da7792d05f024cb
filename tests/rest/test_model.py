"""Database reflection: Meta.reflect = True | "partial", and the error for a missing table."""

from __future__ import annotations

import pytest

from surge.rest import ConfigurationError, Field, Filtering, RestEndpoint
from surge.testing import TestClient

from rest_testkit import Target, rest_app


def _legacy_ddl(target: Target) -> str:
    key = "INTEGER PRIMARY KEY" if target.kind == "sqlite" else "SERIAL PRIMARY KEY"
    return (
        f"CREATE TABLE legacy_users (id {key}, email VARCHAR(100) NOT NULL UNIQUE, nickname VARCHAR(50), "
        "karma INTEGER NOT NULL DEFAULT 0);"
        "INSERT INTO legacy_users (email, nickname) VALUES ('old@example.com', 'old');"
    )


async def test_full_reflection_serves_an_existing_table(target: Target) -> None:
    target.execute_now(_legacy_ddl(target))

    class LegacyUserEndpoint(RestEndpoint):
        class Meta:
            reflect = True
            table = "legacy_users"
            filtering = Filtering(fields=["nickname"])

    app = rest_app(target, {"/legacy": LegacyUserEndpoint})
    create = LegacyUserEndpoint.__schema_create__.model_fields
    assert set(create) == {"email", "nickname", "karma"}
    assert create["email"].is_required() and not create["nickname"].is_required() and not create["karma"].is_required()
    async with TestClient(app) as client:
        listed = (await client.get("/legacy")).json()["results"]
        assert listed == [{"id": 1, "email": "old@example.com", "nickname": "old", "karma": 0}]
        created = await client.post("/legacy", json={"email": "new@example.com"})
        assert created.status_code == 201 and created.json()["nickname"] is None
        too_long = await client.post("/legacy", json={"email": "x" * 101})
        assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", "email"]
        duplicate = await client.post("/legacy", json={"email": "old@example.com"})
        assert duplicate.status_code == 409
        # no version column: updates are not version-checked
        updated = await client.put("/legacy/1", json={"email": "old@example.com", "nickname": "renamed"})
        assert updated.status_code == 200 and updated.json()["nickname"] == "renamed"
        assert (await client.get("/legacy?nickname=renamed")).json()["results"][0]["id"] == 1
        assert (await client.delete("/legacy/2")).status_code == 204
    assert await target.fetch("SELECT id, nickname FROM legacy_users") == [(1, "renamed")]


async def test_partial_reflection_adds_the_declared_columns(target: Target) -> None:
    key = "INTEGER PRIMARY KEY" if target.kind == "sqlite" else "SERIAL PRIMARY KEY"
    target.execute_now(
        f"CREATE TABLE existing_table (id {key}, name VARCHAR(40) NOT NULL, version INTEGER NOT NULL DEFAULT 1);"
        "INSERT INTO existing_table (name) VALUES ('first');"
    )

    class ExtendedEndpoint(RestEndpoint):
        new_field: str = Field(min_length=1)

        class Meta:
            reflect = "partial"
            table = "existing_table"

    app = rest_app(target, {"/extended": ExtendedEndpoint})
    async with TestClient(app) as client:
        created = await client.post("/extended", json={"name": "second", "new_field": "hello"})
        assert created.status_code == 201, created.text
        assert created.json()["new_field"] == "hello" and created.json()["version"] == 1
        missing = await client.post("/extended", json={"name": "third"})
        assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "new_field"]
        stale = await client.put("/extended/1", json={"name": "x", "new_field": "y", "version": 7})
        assert stale.status_code == 409  # the existing version column is used for locking
        ok = await client.patch("/extended/1", json={"new_field": "filled", "version": 1})
        assert ok.status_code == 200 and ok.json()["version"] == 2
    assert await target.fetch("SELECT name, new_field FROM existing_table ORDER BY id") == [
        ("first", "filled"),
        ("second", "hello"),
    ]


def test_a_missing_table_is_a_configuration_error_at_registration(sqlite_target: Target) -> None:
    class GhostEndpoint(RestEndpoint):
        class Meta:
            reflect = True
            table = "no_such_table"

    with pytest.raises(ConfigurationError, match="Table 'no_such_table' does not exist in the database"):
        rest_app(sqlite_target, {"/ghosts": GhostEndpoint})


def test_reflect_needs_a_table_name() -> None:
    with pytest.raises(ConfigurationError, match="Meta.reflect needs Meta.table"):

        class Nameless(RestEndpoint):
            class Meta:
                reflect = True


def test_full_reflection_refuses_declared_fields(sqlite_target: Target) -> None:
    sqlite_target.execute_now(_legacy_ddl(sqlite_target))

    class Mixed(RestEndpoint):
        email: str

        class Meta:
            reflect = True
            table = "legacy_users"

    with pytest.raises(ConfigurationError, match="reflect = 'partial'"):
        rest_app(sqlite_target, {"/mixed": Mixed})
