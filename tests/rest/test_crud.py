"""The Quick Start: one class gives list, create, retrieve, full and partial update and delete,
with the seed's status codes and bodies, on SQLite and PostgreSQL."""

from __future__ import annotations

from surge.rest import Field, RestEndpoint
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class BookEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    author: str = Field(min_length=1)


async def test_quick_start_lifecycle(target: Target) -> None:
    async with TestClient(rest_app(target, {"/books": BookEndpoint})) as client:
        created = await client.post("/books", json={"title": "Clean Code", "author": "Robert Martin"})
        assert created.status_code == 201
        book = created.json()
        assert book["id"] == 1 and book["title"] == "Clean Code" and book["author"] == "Robert Martin"
        assert book["version"] == 1
        assert book["created_at"] == book["updated_at"] and book["created_at"].endswith("+00:00")

        listed = await client.get("/books")
        assert listed.status_code == 200
        assert listed.json() == {"results": [book]}

        fetched = await client.get("/books/1")
        assert fetched.status_code == 200 and fetched.json() == book

        updated = await client.put("/books/1", json={"title": "Clean Code (2nd Ed)", "author": "Robert Martin", "version": 1})
        assert updated.status_code == 200
        assert updated.json()["version"] == 2 and updated.json()["title"] == "Clean Code (2nd Ed)"
        assert updated.json()["created_at"] == book["created_at"]

        stale = await client.put("/books/1", json={"title": "Clash", "author": "X", "version": 1})
        assert stale.status_code == 409
        assert stale.json() == {"detail": "version conflict"}

        patched = await client.patch("/books/1", json={"author": "Uncle Bob", "version": 2})
        assert patched.status_code == 200
        assert patched.json()["author"] == "Uncle Bob" and patched.json()["title"] == "Clean Code (2nd Ed)"
        assert patched.json()["version"] == 3

        deleted = await client.delete("/books/1")
        assert deleted.status_code == 204 and deleted.content == b""
        assert (await client.get("/books/1")).status_code == 404
        assert (await client.get("/books")).json() == {"results": []}
    rows = await target.fetch("SELECT count(*) FROM bookendpoints")
    assert rows == [(0,)]


async def test_rows_are_really_written(target: Target) -> None:
    async with TestClient(rest_app(target, {"/books": BookEndpoint})) as client:
        await client.post("/books", json={"title": "Dune", "author": "Herbert"})
        await client.patch("/books/1", json={"title": "Dune Messiah", "version": 1})
    rows = await target.fetch("SELECT id, title, author, version FROM bookendpoints")
    assert rows == [(1, "Dune Messiah", "Herbert", 2)]


async def test_not_found_answers_the_seed_body(target: Target) -> None:
    async with TestClient(rest_app(target, {"/books": BookEndpoint})) as client:
        for response in (
            await client.get("/books/42"),
            await client.put("/books/42", json={"title": "a", "author": "b", "version": 1}),
            await client.patch("/books/42", json={"title": "a", "version": 1}),
            await client.delete("/books/42"),
        ):
            assert response.status_code == 404
            assert response.json() == {"detail": "not found"}


async def test_validation_errors_are_422_with_field_errors(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/books": BookEndpoint})) as client:
        response = await client.post("/books", json={"title": ""})
        assert response.status_code == 422
        assert response.json() == {
            "detail": [
                {"loc": ["body", "title"], "msg": "String should have at least 1 character", "type": "string_too_short"},
                {"loc": ["body", "author"], "msg": "Field required", "type": "missing"},
            ]
        }
        missing_version = await client.put("/books/1", json={"title": "a", "author": "b"})
        assert missing_version.status_code == 422
        assert missing_version.json()["detail"][0]["loc"] == ["body", "version"]
        patch_missing_version = await client.patch("/books/1", json={"title": "a"})
        assert patch_missing_version.status_code == 422
        assert {"loc": ["body", "version"], "msg": "Field required", "type": "missing"} in patch_missing_version.json()["detail"]
        malformed = await client.post("/books", content=b"{not json", headers={"content-type": "application/json"})
        assert malformed.status_code == 400 and "Malformed JSON" in malformed.json()["detail"]
        empty = await client.post("/books")
        assert empty.status_code == 422
        wrong_type = await client.post("/books", content=b"title=x", headers={"content-type": "text/plain"})
        assert wrong_type.status_code == 415
        not_an_int = await client.get("/books/abc")
        assert not_an_int.status_code == 404


async def test_patch_keeps_absent_fields_and_refuses_null_for_required_ones(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/books": BookEndpoint})) as client:
        await client.post("/books", json={"title": "A", "author": "B"})
        refused = await client.patch("/books/1", json={"title": None, "version": 1})
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "title"]
        only_version = await client.patch("/books/1", json={"version": 1})
        assert only_version.status_code == 200
        assert only_version.json()["title"] == "A" and only_version.json()["version"] == 2


async def test_unknown_body_keys_and_auto_fields_are_ignored_on_create(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/books": BookEndpoint})) as client:
        response = await client.post("/books", json={"title": "A", "author": "B", "id": 99, "version": 7, "extra": 1})
        assert response.status_code == 201
        assert response.json()["id"] == 1 and response.json()["version"] == 1 and "extra" not in response.json()


async def test_routes_have_names_for_url_for(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/books": BookEndpoint})
    assert app.url_for("BookEndpoint.list") == "/books"
    assert app.url_for("BookEndpoint.retrieve", id=3) == "/books/3"
    assert app.url_for("BookEndpoint.destroy", id=3) == "/books/3"
