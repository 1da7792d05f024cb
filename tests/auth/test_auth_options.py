"""login_optional, role_required per method, REQUIRED_BY_DEFAULT with @public, and their OpenAPI."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from openapi_spec_validator import validate

from surge import Request, Response
from surge.auth import Authentication, login_optional, public, role_required
from surge.controller import Controller, delete, get, path, post, put
from surge.openapi import build_openapi
from surge.testing import TestClient

USERS = {"ann": {"id": 1, "name": "ann", "roles": ["admin"]}, "bob": {"id": 2, "name": "bob", "roles": ["reader"]}}


class HeaderAuth(Authentication):
    """The user named by ``X-User``; ``X-User: broken`` makes the loader refuse (a bad token)."""

    openapi_scheme_name: ClassVar[str | None] = "userHeader"

    async def user_loader(self, req: Request) -> dict[str, Any] | None:
        name = req.headers.get("x-user", "")
        if name == "broken":
            raise self.authentication_error()
        return USERS.get(name)

    async def role_check(self, user: dict[str, Any], roles: list[Any]) -> bool:
        return bool(set(user["roles"]) & set(roles))

    def openapi_scheme(self) -> dict[str, Any]:
        return {"type": "apiKey", "in": "header", "name": "X-User"}


auth = HeaderAuth()


@path("/docs-api")
class Books(Controller):
    @get("/greeting")
    @auth.login_optional
    async def greeting(self, req: Request) -> Response:
        return req.response.json({"hello": req.user["name"] if req.user else "guest"})

    @get("/plain-optional")
    @login_optional
    async def plain_optional(self, req: Request) -> Response:
        return req.response.json({"user": req.user["name"] if req.user else None})

    @get("/book")
    @auth.role_required(GET=["reader", "admin"], DELETE=["admin"])
    async def read_book(self, req: Request) -> Response:
        return req.response.json({"read": True})

    @delete("/book")
    @auth.role_required(GET=["reader", "admin"], DELETE=["admin"])
    async def delete_book(self, req: Request) -> Response:
        return req.response.json({"deleted": True})

    @put("/book")
    @role_required("admin", POST=["reader"])
    async def replace_book(self, req: Request) -> Response:
        return req.response.json({"replaced": True})

    @post("/book")
    @role_required("admin", POST=["reader"])
    async def add_book(self, req: Request) -> Response:
        return req.response.json({"added": True})

    @get("/open")
    async def open_page(self, req: Request) -> Response:
        return req.response.json({"user": req.user["name"] if req.user else None})

    @get("/public")
    @auth.public
    async def public_page(self, req: Request) -> Response:
        return req.response.json({"public": True, "user": req.user})


@public
@path("/status")
class Status(Controller):
    @get("/")
    async def status(self, req: Request) -> Response:
        return req.response.json({"ok": True})


def build(make_app: Any, **section: Any) -> Any:
    return make_app(extensions=[auth], controllers=[Books, Status], AUTHENTICATION=section)


async def test_login_optional_loads_when_it_can_and_never_refuses(make_app: Any) -> None:
    async with TestClient(build(make_app)) as client:
        assert (await client.get("/docs-api/greeting", headers={"x-user": "ann"})).json() == {"hello": "ann"}
        assert (await client.get("/docs-api/greeting")).json() == {"hello": "guest"}
        assert (await client.get("/docs-api/greeting", headers={"x-user": "nobody"})).json() == {"hello": "guest"}
        refused = await client.get("/docs-api/greeting", headers={"x-user": "broken"})
        assert refused.status_code == 200 and refused.json() == {"hello": "guest"}
        assert (await client.get("/docs-api/plain-optional", headers={"x-user": "bob"})).json() == {"user": "bob"}


async def test_role_required_per_method(make_app: Any) -> None:
    async with TestClient(build(make_app)) as client:
        assert (await client.get("/docs-api/book", headers={"x-user": "bob"})).status_code == 200
        assert (await client.head("/docs-api/book", headers={"x-user": "bob"})).status_code == 200
        denied = await client.delete("/docs-api/book", headers={"x-user": "bob"})
        assert denied.status_code == 403
        assert denied.json()["status"] == "error"
        assert (await client.delete("/docs-api/book", headers={"x-user": "ann"})).json() == {"deleted": True}
        assert (await client.delete("/docs-api/book")).status_code == 401
        # positional roles still apply to the methods not named
        assert (await client.put("/docs-api/book", headers={"x-user": "bob"})).status_code == 403
        assert (await client.put("/docs-api/book", headers={"x-user": "ann"})).status_code == 200
        assert (await client.post("/docs-api/book", headers={"x-user": "bob"})).json() == {"added": True}


def test_role_required_refuses_a_key_that_is_not_a_method() -> None:
    with pytest.raises(ValueError, match="FETCH"):
        auth.role_required(FETCH=["admin"])
    with pytest.raises(ValueError, match="list of roles"):
        role_required(GET="admin")


async def test_required_by_default_protects_everything_but_public(make_app: Any, tmp_path: Any) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "logo.txt").write_text("logo")
    app = make_app(
        extensions=[auth],
        controllers=[Books, Status],
        AUTHENTICATION={"REQUIRED_BY_DEFAULT": True},
        BASE_PATH=str(tmp_path),
    )
    async with TestClient(app) as client:
        refused = await client.get("/docs-api/open")
        assert refused.status_code == 401
        assert refused.json() == {"status": "error", "message": "Login required"}
        assert (await client.get("/docs-api/open", headers={"x-user": "bob"})).json() == {"user": "bob"}
        assert (await client.get("/docs-api/public")).json() == {"public": True, "user": None}
        assert (await client.get("/status/")).json() == {"ok": True}  # @public on the class
        assert (await client.get("/docs-api/greeting")).json() == {"hello": "guest"}  # optional stays optional
        assert (await client.get("/openapi/specs.json")).status_code == 200
        static_file = await client.get("/static/logo.txt")
        assert static_file.status_code == 200 and static_file.text == "logo"
        document = build_openapi(app)
    validate(document)
    paths = document["paths"]
    assert paths["/docs-api/open"]["get"]["security"] == [{"userHeader": []}]
    assert "401" in paths["/docs-api/open"]["get"]["responses"]
    assert paths["/docs-api/public"]["get"]["security"] == []
    assert paths["/docs-api/greeting"]["get"]["security"] == [{"userHeader": []}, {}]
    assert paths["/docs-api/book"]["delete"]["security"] == [{"userHeader": []}]
    assert "403" in paths["/docs-api/book"]["delete"]["responses"]
    assert document["components"]["securitySchemes"]["userHeader"]["in"] == "header"


async def test_off_by_default(make_app: Any) -> None:
    async with TestClient(build(make_app)) as client:
        assert (await client.get("/docs-api/open")).json() == {"user": None}


@auth.role_required(DELETE=["admin"])
@path("/shelf")
class Shelf(Controller):
    @get("/")
    async def look(self, req: Request) -> Response:
        return req.response.json({"by": req.user["name"]})

    @delete("/")
    async def empty(self, req: Request) -> Response:
        return req.response.json({"emptied_by": req.user["name"]})


async def test_per_method_roles_on_a_controller_class(make_app: Any) -> None:
    async with TestClient(make_app(extensions=[auth], controllers=[Shelf])) as client:
        assert (await client.get("/shelf/")).status_code == 401
        assert (await client.get("/shelf/", headers={"x-user": "bob"})).json() == {"by": "bob"}
        assert (await client.delete("/shelf/", headers={"x-user": "bob"})).status_code == 403
        assert (await client.delete("/shelf/", headers={"x-user": "ann"})).json() == {"emptied_by": "ann"}


async def test_required_by_default_holds_for_a_second_app_with_the_same_controllers(make_app: Any) -> None:
    for _ in range(2):  # the first app's startup must not make the second think the endpoint is protected
        async with TestClient(build(make_app, REQUIRED_BY_DEFAULT=True)) as client:
            assert (await client.get("/docs-api/open")).status_code == 401
            assert (await client.get("/docs-api/public")).status_code == 200
