"""Authentication listed in MIDDLEWARE (PyJolt 0.111.12's way) or in EXTENSIONS: the same app.

The user loader reads the raw ``Cookie`` header by hand, as PyJolt apps do, so the signed value
must travel unquoted (``2|c2ln...=``) and come back exactly as it was set.
"""

from __future__ import annotations

from typing import Any

import pytest

from surge import Request, Response
from surge.auth import Authentication, login_required, role_required
from surge.auth.extension import find_authentication
from surge.auth.signing import sign_cookie_value
from surge.controller import Controller, get, path, post
from surge.exceptions.config import ImproperlyConfigured
from surge.testing import TestClient

from surge_testkit import EXTENSION_TEST_SECRET

USERS = {"1": {"name": "ann", "role": "admin"}, "2": {"name": "bob", "role": "user"}}
LOADED: list[str] = []  # user_loader calls, to count them per request


def parse_cookie_header(header: str) -> dict[str, str]:
    """Split a raw Cookie header into name -> value, values kept verbatim (as PyJolt apps do)."""
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        if "=" in part:
            name, value = part.strip().split("=", 1)
            cookies[name] = value
    return cookies


class CookieAuth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        signed = parse_cookie_header(req.headers.get("cookie", "")).get("auth")
        user_id = self.decode_signed_cookie(signed)
        LOADED.append(req.path)
        return None if user_id is None else USERS.get(user_id)

    async def role_check(self, user: Any, roles: list[Any]) -> bool:
        return user["role"] in roles


class SyncAuth(Authentication):
    """PyJolt runs a plain ``def`` user loader and role check too."""

    def user_loader(self, req: Request) -> Any:  # type: ignore[override]
        return USERS.get(req.headers.get("x-user", ""))

    def role_check(self, user: Any, roles: list[Any]) -> bool:  # type: ignore[override]
        return bool(user["role"] in roles)


@path("/")
class Site(Controller):
    @post("/login/<user_id>")
    async def login(self, req: Request, user_id: str) -> Response:
        signed = find_authentication(self.app).create_signed_cookie_value(user_id)
        return req.response.json({"ok": True}).set_cookie("auth", signed)

    @get("/public")
    async def public(self, req: Request) -> Response:
        return req.response.json({"user": req.user})

    @get("/me")
    @login_required
    async def me(self, req: Request) -> Response:
        return req.response.json({"name": req.user["name"]})

    @get("/admin")
    @role_required("admin")
    async def admin(self, req: Request) -> Response:
        return req.response.json({"admin": req.user["name"]})


@path("/area")
@login_required
class Area(Controller):
    @get("/")
    async def index(self, req: Request) -> Response:
        return req.response.json({"area": req.user["name"]})


def build(make_app: Any, mode: str, auth_class: type[Authentication] = CookieAuth, **config: Any) -> Any:
    if mode == "middleware":
        return make_app(controllers=[Site, Area], MIDDLEWARE=[f"{__name__}:{auth_class.__name__}"], **config)
    return make_app(extensions=[auth_class()], controllers=[Site, Area], **config)


@pytest.mark.parametrize("mode", ["extensions", "middleware"])
async def test_same_behaviour_listed_in_extensions_or_middleware(make_app: Any, mode: str) -> None:
    app = build(make_app, mode)
    async with TestClient(app) as client:
        assert isinstance(app.extensions["authentication"], CookieAuth)
        public = await client.get("/public")
        assert public.status_code == 200 and public.json() == {"user": None}
        res = await client.get("/me")
        assert res.status_code == 401 and res.json()["message"] == "Login required"
        assert (await client.get("/area/")).status_code == 401

        login = await client.post("/login/2")
        raw = login.headers["set-cookie"]
        signed = raw.split(";")[0].removeprefix("auth=")
        assert signed.startswith("2|") and signed.endswith("=") and '"' not in raw  # sent unquoted
        LOADED.clear()
        me = await client.get("/me", headers={"cookie": f"theme=dark; auth={signed}; lang=en"})
        assert me.json() == {"name": "bob"}
        assert LOADED == ["/me"]  # once per protected request
        assert (await client.get("/area/", headers={"cookie": f"auth={signed}"})).json() == {"area": "bob"}
        res = await client.get("/admin", headers={"cookie": f"auth={signed}"})
        assert res.status_code == 403 and res.json()["message"] == "Missing user role(s)"
        admin = sign_cookie_value(1, EXTENSION_TEST_SECRET)
        assert (await client.get("/admin", headers={"cookie": f"auth={admin}"})).json() == {"admin": "ann"}
        forged = f"1|{signed.split('|')[1]}"
        assert (await client.get("/me", headers={"cookie": f"auth={forged}"})).status_code == 401
        LOADED.clear()
        await client.get("/public", headers={"cookie": f"auth={signed}"})
        assert LOADED == []  # unprotected endpoints never load the user


@pytest.mark.parametrize("mode", ["extensions", "middleware"])
async def test_pyjolt_message_keys_and_sync_loader(make_app: Any, mode: str) -> None:
    messages = {"AUTHENTICATION_ERROR_MSG": "Sign in first", "AUTHORIZATION_ERROR_MSG": "Admins only"}
    app = build(make_app, mode, SyncAuth, AUTHENTICATION=messages)
    async with TestClient(app) as client:
        assert (await client.get("/me")).json()["message"] == "Sign in first"
        assert (await client.get("/admin", headers={"x-user": "2"})).json()["message"] == "Admins only"
        assert (await client.get("/admin", headers={"x-user": "1"})).json() == {"admin": "ann"}


async def test_middleware_mode_controller_guard_only(make_app: Any) -> None:
    """No endpoint decorator: the class in MIDDLEWARE still becomes the app's extension."""
    app = make_app(controllers=[Area], MIDDLEWARE=[f"{__name__}:SyncAuth"])
    async with TestClient(app) as client:
        assert (await client.get("/area/")).status_code == 401
        assert (await client.get("/area/", headers={"x-user": "1"})).json() == {"area": "ann"}


def test_middleware_mode_fails_at_startup_on_bad_config(make_app: Any) -> None:
    app = make_app(controllers=[Site], MIDDLEWARE=[f"{__name__}:CookieAuth"], AUTHENTICATION={"NOPE": 1})
    with pytest.raises(ImproperlyConfigured, match="AUTHENTICATION.NOPE"):
        app.compile()


def test_instance_in_middleware_only_is_refused(make_app: Any) -> None:
    app = make_app(MIDDLEWARE=[f"{__name__}:lonely"])
    with pytest.raises(ImproperlyConfigured, match="list the class there"):
        app.compile()


lonely = CookieAuth()
