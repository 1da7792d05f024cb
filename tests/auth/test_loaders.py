"""The ready-made loaders through the TestClient: bearer JWT, session, signed cookie, HTTP Basic."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from openapi_spec_validator import validate

from surge import Request, Response
from surge.auth import (
    BasicAuthentication,
    BearerTokenAuthentication,
    PasswordHasher,
    SessionAuthentication,
    SignedCookieAuthentication,
)
from surge.controller import Controller, get, path, post, socket
from surge.exceptions import ImproperlyConfigured
from surge.openapi import build_openapi
from surge.security import CSRF, Sessions
from surge.testing import TestClient
from surge.testing.client import WebSocketDisconnect

HTTPS = "https://testserver"
HASHER = PasswordHasher()


@dataclass
class User:
    id: int
    name: str
    password_hash: str
    roles: tuple[str, ...] = ()


USERS = {
    1: User(1, "ann", HASHER.hash("ann-password"), ("admin",)),
    2: User(2, "bob", HASHER.hash("bob-password"), ("user",)),
}
BY_NAME = {user.name: user for user in USERS.values()}


def basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


# -- bearer JWT ----------------------------------------------------------------------------------


class TokenAuth(BearerTokenAuthentication):
    pass


def bearer_app(make_app: Any) -> tuple[Any, TokenAuth]:
    auth = TokenAuth()

    @path("/api")
    class Api(Controller):
        @post("/token")
        async def token(self, req: Request) -> Response:
            form = await req.form()
            user = BY_NAME.get(str(form.get("username")))
            if user is None or not auth.check_password_hash(str(form.get("password")), user.password_hash):
                return req.response.json({"status": "error", "message": "Bad credentials"}).status(401)
            return req.response.json({"token": auth.create_jwt_token({"sub": str(user.id), "roles": list(user.roles)})})

        @get("/reports")
        @auth.role_required("admin")
        async def reports(self, req: Request) -> Response:
            return req.response.json({"sub": req.user["sub"]})

    return make_app(extensions=[auth], controllers=[Api]), auth


async def test_bearer_token_flow(make_app: Any) -> None:
    app, _ = bearer_app(make_app)
    async with TestClient(app) as client:
        admin = (await client.post("/api/token", data={"username": "ann", "password": "ann-password"})).json()["token"]
        user = (await client.post("/api/token", data={"username": "bob", "password": "bob-password"})).json()["token"]
        bad_login = await client.post("/api/token", data={"username": "bob", "password": "nope"})
        ok = await client.get("/api/reports", headers={"Authorization": f"Bearer {admin}"})
        forbidden = await client.get("/api/reports", headers={"Authorization": f"bearer {user}"})
        anonymous = await client.get("/api/reports")
    assert bad_login.status_code == 401
    assert ok.json() == {"sub": "1"}
    assert forbidden.status_code == 403
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"


async def test_bearer_attacks_are_401(make_app: Any) -> None:
    app, auth = bearer_app(make_app)
    now = int(time.time())
    unsigned = jwt.encode({"sub": "1", "roles": ["admin"], "iat": now, "exp": now + 60}, None, algorithm="none")
    expired = auth.create_jwt_token({"sub": "1", "roles": ["admin"]}, expires_in=-1)
    forged = jwt.encode(
        {"sub": "1", "roles": ["admin"], "iat": now, "exp": now + 60}, "a-guessed-secret-that-is-long-enough!!", algorithm="HS256"
    )
    async with TestClient(app) as client:
        for header in (f"Bearer {unsigned}", f"Bearer {expired}", f"Bearer {forged}", "Bearer", "Basic abc", "garbage"):
            response = await client.get("/api/reports", headers={"Authorization": header})
            assert response.status_code == 401, header
            assert response.json() == {"status": "error", "message": "Login required"}


async def test_bearer_openapi_security(make_app: Any) -> None:
    app, _ = bearer_app(make_app)
    async with TestClient(app):
        document = build_openapi(app)
    validate(document)
    operation = document["paths"]["/api/reports"]["get"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {"401", "403"} <= set(operation["responses"])
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }


async def test_plain_decorator_gets_the_scheme_of_the_apps_extension(make_app: Any) -> None:
    from surge.auth import login_required

    @path("/plain")
    class Plain(Controller):
        @get("/")
        @login_required
        async def index(self, req: Request) -> Response:
            return req.response.json(req.user)

    app = make_app(extensions=[TokenAuth()], controllers=[Plain])
    async with TestClient(app):  # the scheme is filled in at startup, when the extension is known
        document = build_openapi(app)
    validate(document)
    assert document["paths"]["/plain"]["get"]["security"] == [{"bearerAuth": []}]


# -- session -------------------------------------------------------------------------------------


class SessionAuth(SessionAuthentication):
    async def load_user(self, user_id: Any) -> User | None:
        return USERS.get(user_id)


def session_site(make_app: Any, sessions_section: dict[str, Any]) -> Any:
    auth = SessionAuth()

    @path("/")
    class Site(Controller):
        @get("/login")
        async def login_form(self, req: Request) -> Response:
            return req.response.html_from_string('<form method="post">{{ csrf_input() }}</form>')

        @post("/login")
        async def login(self, req: Request) -> Response:
            form = await req.form()
            user = BY_NAME.get(str(form.get("username")))
            if user is None or not await auth.check_password_hash_async(str(form.get("password")), user.password_hash):
                return req.response.json({"status": "error", "message": "Bad credentials"}).status(401)
            auth.login(req, user.id)
            return req.response.redirect("/me")

        @get("/me")
        @auth.login_required
        async def me(self, req: Request) -> Response:
            return req.response.json({"name": req.user.name})

        @post("/logout")
        async def logout(self, req: Request) -> Response:
            auth.logout(req)
            return req.response.redirect("/login")

        @socket("/ws")
        @auth.login_required
        async def ws(self, req: Request) -> None:
            await req.accept()
            await req.send_text(req.user.name)
            await req.receive()

    return make_app(extensions=[Sessions(), CSRF(), auth], controllers=[Site], SESSIONS=sessions_section)


@pytest.fixture(params=["cookie", "redis"])
def sessions_section(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "redis":
        return {
            "BACKEND": "redis",
            "REDIS_URL": request.getfixturevalue("redis_url"),
            "KEY_PREFIX": request.getfixturevalue("redis_prefix"),
        }
    return {"BACKEND": "cookie"}


async def login_form_token(client: TestClient) -> str:
    page = await client.get("/login")
    match = re.search(r'value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


async def test_session_login_logout(make_app: Any, sessions_section: dict[str, Any]) -> None:
    async with TestClient(session_site(make_app, sessions_section), base_url=HTTPS) as client:
        assert (await client.get("/me")).status_code == 401
        token = await login_form_token(client)
        wrong = await client.post("/login", data={"username": "ann", "password": "x", "csrf_token": token})
        response = await client.post(
            "/login", data={"username": "ann", "password": "ann-password", "csrf_token": token}, follow_redirects=True
        )
        assert wrong.status_code == 401
        assert response.json() == {"name": "ann"}
        async with client.websocket_connect("/ws") as ws:  # the session authenticates websockets too
            assert await ws.receive_text() == "ann"
        token = await login_form_token(client)
        await client.post("/logout", headers={"X-CSRF-Token": token})
        assert (await client.get("/me")).status_code == 401
        with pytest.raises(WebSocketDisconnect):
            async with client.websocket_connect("/ws"):
                pass


async def test_session_fixation_is_defeated(plant_cookie: Any, make_app: Any, sessions_section: dict[str, Any]) -> None:
    """The attacker plants their session cookie in the victim's browser before the victim logs in."""
    app = session_site(make_app, sessions_section)
    async with TestClient(app, base_url=HTTPS) as attacker, TestClient(app, base_url=HTTPS) as victim:
        await login_form_token(attacker)
        planted = attacker.cookies["session"]
        plant_cookie(victim, "session", planted)
        token = await login_form_token(victim)
        await victim.post("/login", data={"username": "ann", "password": "ann-password", "csrf_token": token})
        assert victim.cookies["session"] != planted  # a new id after login
        assert (await victim.get("/me")).json() == {"name": "ann"}
        assert (await attacker.get("/me")).status_code == 401  # the planted id gives nothing


async def test_logged_out_session_cookie_cannot_be_replayed_with_redis(
    plant_cookie: Any, make_app: Any, redis_url: str, redis_prefix: str
) -> None:
    app = session_site(make_app, {"BACKEND": "redis", "REDIS_URL": redis_url, "KEY_PREFIX": redis_prefix})
    async with TestClient(app, base_url=HTTPS) as client:
        token = await login_form_token(client)
        await client.post("/login", data={"username": "bob", "password": "bob-password", "csrf_token": token})
        stolen = client.cookies["session"]
        await client.post("/logout", headers={"X-CSRF-Token": await login_form_token(client)})
        plant_cookie(client, "session", stolen)
        assert (await client.get("/me")).status_code == 401


def test_session_authentication_needs_sessions(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="Sessions"):
        make_app(extensions=[SessionAuth()])


# -- signed cookie -------------------------------------------------------------------------------


class CookieAuth(SignedCookieAuthentication):
    async def load_user(self, user_id: str) -> User | None:
        return USERS.get(int(user_id))


def cookie_site(make_app: Any) -> Any:
    auth = CookieAuth()

    @path("/")
    class Site(Controller):
        @post("/login/<int:user_id>")
        async def login(self, req: Request, user_id: int) -> Response:
            return auth.login(req.response, user_id).json({"ok": True})

        @get("/me")
        @auth.login_required
        async def me(self, req: Request) -> Response:
            return req.response.json({"name": req.user.name})

        @post("/transfer")
        @auth.login_required
        async def transfer(self, req: Request) -> Response:
            return req.response.json({"done": True})

        @post("/logout")
        async def logout(self, req: Request) -> Response:
            return auth.logout(req.response).json({"ok": True})

    return make_app(extensions=[Sessions(), CSRF(), auth], controllers=[Site])


async def test_signed_cookie_login_and_tampering(plant_cookie: Any, make_app: Any) -> None:
    async with TestClient(cookie_site(make_app), base_url=HTTPS) as client:
        login = await client.post("/login/2")
        assert "HttpOnly" in login.headers["set-cookie"] and "Secure" in login.headers["set-cookie"]
        assert (await client.get("/me")).json() == {"name": "bob"}
        genuine = client.cookies["auth_cookie"]
        value, signature = genuine.split("|")
        assert value == "2"
        plant_cookie(client, "auth_cookie", f"1|{signature}")
        assert (await client.get("/me")).status_code == 401  # bob cannot become ann
        plant_cookie(client, "auth_cookie", genuine)
        assert (await client.post("/transfer")).status_code == 403  # the auth cookie is CSRF-checked
        await client.post("/logout", headers={"X-CSRF-Token": "x"})
        assert "auth_cookie" in client.cookies  # the logout above was refused by the CSRF check
        client.cookies.delete("auth_cookie")
        assert (await client.get("/me")).status_code == 401


# -- HTTP Basic ----------------------------------------------------------------------------------


def basic_app(make_app: Any, auth: BasicAuthentication, **config: Any) -> Any:
    @path("/basic")
    class Area(Controller):
        @get("/")
        @auth.login_required
        async def index(self, req: Request) -> Response:
            return req.response.json({"name": req.user.name})

    return make_app(extensions=[auth], controllers=[Area], **config)


def verify(username: str, password: str) -> User | None:
    user = BY_NAME.get(username)
    return user if user is not None and HASHER.verify(password, user.password_hash) else None


async def test_basic_authentication(make_app: Any) -> None:
    app = basic_app(make_app, BasicAuthentication(verify=verify), AUTHENTICATION={"BASIC_REALM": "Admin area"})
    async with TestClient(app) as client:
        ok = await client.get("/basic", headers=basic("ann", "ann-password"))
        wrong = await client.get("/basic", headers=basic("ann", "bob-password"))
        anonymous = await client.get("/basic")
        malformed = await client.get("/basic", headers={"Authorization": "Basic %%%"})
        no_colon = await client.get("/basic", headers={"Authorization": "Basic " + base64.b64encode(b"ann").decode()})
    assert ok.json() == {"name": "ann"}
    for refused in (wrong, anonymous, malformed, no_colon):
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Basic realm="Admin area", charset="UTF-8"'


async def test_basic_with_async_verify_method(make_app: Any) -> None:
    class DbBasic(BasicAuthentication):
        async def verify(self, username: str, password: str) -> User | None:
            return verify(username, password)

    async with TestClient(basic_app(make_app, DbBasic())) as client:
        assert (await client.get("/basic", headers=basic("bob", "bob-password"))).json() == {"name": "bob"}


def test_basic_needs_a_verifier(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="verify"):
        make_app(extensions=[BasicAuthentication()])
