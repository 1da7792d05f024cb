"""HttpMethod mixins (405 with Allow) and the four Serializer forms."""

from __future__ import annotations

import pytest

from surge.rest import ConfigurationError, Field, HttpMethod, RestEndpoint, Serializer
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class ReadOnlyItemEndpoint(RestEndpoint, HttpMethod.GET):
    name: str = Field(min_length=1)

    class Meta:
        table = "shared_items"


class CreateOnlyItemEndpoint(RestEndpoint, HttpMethod.POST):
    name: str = Field(min_length=1)

    class Meta:
        table = "shared_items"


class StandardItemEndpoint(
    RestEndpoint, HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE
):
    name: str = Field(min_length=1)

    class Meta:
        table = "shared_items"


async def test_mixins_choose_the_routes(sqlite_target: Target) -> None:
    app = rest_app(
        sqlite_target,
        {"/items": CreateOnlyItemEndpoint, "/readonly": ReadOnlyItemEndpoint, "/standard": StandardItemEndpoint},
    )
    async with TestClient(app) as client:
        assert (await client.post("/items", json={"name": "a"})).status_code == 201
        listed = await client.get("/items")
        assert listed.status_code == 405
        assert listed.json() == {"detail": "Method Not Allowed. Allowed: POST"}
        assert listed.headers["allow"] == "OPTIONS, POST"
        assert (await client.get("/readonly")).json()["results"][0]["name"] == "a"
        assert (await client.get("/readonly/1")).status_code == 200
        refused = await client.post("/readonly", json={"name": "b"})
        assert refused.status_code == 405 and refused.json() == {"detail": "Method Not Allowed. Allowed: GET"}
        assert refused.headers["allow"] == "GET, HEAD, OPTIONS"
        detail = await client.delete("/readonly/1")
        assert detail.status_code == 405 and detail.json() == {"detail": "Method Not Allowed. Allowed: GET"}
        assert (await client.put("/standard/1", json={"name": "c", "version": 1})).status_code == 200
        assert (await client.delete("/standard/1")).status_code == 204
    assert ReadOnlyItemEndpoint._allowed_methods == frozenset({"GET"})
    assert StandardItemEndpoint._allowed_methods == frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


async def test_other_routes_keep_the_apps_405_body(sqlite_target: Target) -> None:
    from surge.controller import Controller, get, path

    @path("/plain")
    class Plain(Controller):
        @get("/")
        async def index(self, req: object) -> dict[str, bool]:
            return {"ok": True}

    async with TestClient(rest_app(sqlite_target, {"/items": CreateOnlyItemEndpoint}, controllers=(Plain,))) as client:
        response = await client.post("/plain")
        assert response.status_code == 405
        assert response.json() == {"status": "error", "message": "Method not allowed"}


class Ep1(RestEndpoint):
    name: str = Field(min_length=1)


class Ep2(RestEndpoint):
    name: str = Field(min_length=1)
    internal_code: str = Field(min_length=1)

    class Meta:
        serializer = Serializer(fields=["id", "name"])


class Ep3(RestEndpoint):
    name: str = Field(min_length=1)

    class Meta:
        serializer = Serializer(read=["id", "name", "created_at", "version"], write=["id", "name"])


class PublicSerializer(Serializer):
    read = ["id", "name", "created_at"]
    write = ["id", "name"]


class Ep4(RestEndpoint):
    name: str = Field(min_length=1)

    class Meta:
        serializer = PublicSerializer


class Ep5(RestEndpoint):
    name: str = Field(min_length=1)
    secret: str = Field(default="s")

    class Meta:
        serializer = PublicSerializer


async def test_serializer_forms(target: Target) -> None:
    app = rest_app(target, {"/ep1": Ep1, "/ep2": Ep2, "/ep3": Ep3, "/ep4": Ep4, "/ep5": Ep5})
    async with TestClient(app) as client:
        full = (await client.post("/ep1", json={"name": "a"})).json()
        assert set(full) == {"id", "name", "created_at", "updated_at", "version"}

        written = await client.post("/ep2", json={"name": "a", "internal_code": "X1"})
        assert written.json() == {"id": 1, "name": "a"}
        assert (await client.get("/ep2/1")).json() == {"id": 1, "name": "a"}
        assert (await client.get("/ep2")).json() == {"results": [{"id": 1, "name": "a"}]}

        assert (await client.post("/ep3", json={"name": "a"})).json() == {"id": 1, "name": "a"}
        read = (await client.get("/ep3/1")).json()
        assert set(read) == {"id", "name", "created_at", "version"}
        assert (await client.patch("/ep3/1", json={"name": "b", "version": 1})).json() == {"id": 1, "name": "b"}

        for url in ("/ep4", "/ep5"):
            assert (await client.post(url, json={"name": "a"})).json() == {"id": 1, "name": "a"}
            assert set((await client.get(f"{url}/1")).json()) == {"id", "name", "created_at"}
    assert await target.fetch("SELECT internal_code FROM ep2s") == [("X1",)]


def test_serializer_field_names_are_checked() -> None:
    with pytest.raises(ConfigurationError, match=r"Meta.serializer read names unknown field\(s\) \['nope'\]"):

        class Bad(RestEndpoint):
            name: str

            class Meta:
                serializer = Serializer(read=["id", "nope"])

    with pytest.raises(ConfigurationError, match="Meta.serializer must be a Serializer"):

        class Wrong(RestEndpoint):
            name: str

            class Meta:
                serializer = ["id"]
