"""The Authentication extension as the seed documents it: decorators, req.user, 401/403, config."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pytest

from surge import Request, Response
from surge.auth import (
    Authentication,
    AuthenticationException,
    UnauthorizedException,
    login_required,
    role_required,
)
from surge.controller import Controller, before_request, get, path, socket
from surge.exceptions import ExceptionHandler, ImproperlyConfigured, handles
from surge.testing import TestClient
from surge.testing.client import WebSocketDisconnect


class UserRoles(StrEnum):
    ADMIN = "admin"
    SUPERUSER = "superuser"
    USER = "user"


@dataclass
class Role:
    role: UserRoles


@dataclass
class User:
    id: int
    name: str
    roles: list[Role] = field(default_factory=list)


USERS = {
    "ann": User(1, "ann", [Role(UserRoles.ADMIN)]),
    "bob": User(2, "bob", [Role(UserRoles.USER)]),
}


class Auth(Authentication):
    """Loads the user named by the X-User header; counts the loads."""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0

    async def user_loader(self, req: Request) -> User | None:
        self.loads += 1
        return USERS.get(req.headers.get("x-user", ""))

    async def role_check(self, user: User, roles: list[UserRoles]) -> bool:
        """The seed's example: intersection of the user's roles and the required ones."""
        user_roles = {role.role for role in user.roles}
        return len(user_roles.intersection(set(roles))) > 0


def make_controllers(auth: Auth) -> list[type[Controller]]:
    @path("/api/v1/users")
    class UsersApi(Controller):
        @get("/me")
        @auth.login_required
        async def me(self, req: Request) -> Response:
            return req.response.json({"name": req.user.name})

        @get("/<int:user_id>")
        @auth.login_required
        @auth.role_required(UserRoles.ADMIN, UserRoles.SUPERUSER)
        async def get_user(self, req: Request, user_id: int) -> Response:
            return req.response.json({"id": user_id, "by": req.user.name})

        @get("/reversed")
        @auth.role_required(UserRoles.ADMIN)
        @auth.login_required
        async def reversed_order(self, req: Request) -> Response:
            return req.response.json({"by": req.user.name})

        @get("/public")
        async def public(self, req: Request) -> Response:
            return req.response.json({"user": None if req.user is None else req.user.name})

        @socket("/ws")
        @auth.login_required
        async def socket_handler(self, req: Request) -> None:
            await req.accept()
            await req.send_text(f"hello {req.user.name}")
            await req.receive()

    @path("/admin")
    @auth.login_required
    @auth.role_required(UserRoles.ADMIN)
    class AdminApi(Controller):
        @before_request
        async def remember(self, req: Request) -> None:
            req.state.seen_user = req.user.name

        @get("/")
        async def index(self, req: Request) -> Response:
            return req.response.json({"seen": req.state.seen_user})

    return [UsersApi, AdminApi]


@pytest.fixture
def auth() -> Auth:
    return Auth()


@pytest.fixture
def client_app(make_app: Any, auth: Auth) -> Any:
    return make_app(extensions=[auth], controllers=make_controllers(auth))


async def test_login_required_sets_req_user(client_app: Any) -> None:
    async with TestClient(client_app) as client:
        response = await client.get("/api/v1/users/me", headers={"X-User": "bob"})
    assert response.status_code == 200
    assert response.json() == {"name": "bob"}


async def test_missing_user_is_401_with_the_seed_message(client_app: Any) -> None:
    async with TestClient(client_app) as client:
        response = await client.get("/api/v1/users/me")
        unknown = await client.get("/api/v1/users/me", headers={"X-User": "mallory"})
    assert response.status_code == 401
    assert response.json() == {"status": "error", "message": "Login required"}
    assert unknown.status_code == 401


async def test_role_required(client_app: Any) -> None:
    async with TestClient(client_app) as client:
        admin = await client.get("/api/v1/users/7", headers={"X-User": "ann"})
        user = await client.get("/api/v1/users/7", headers={"X-User": "bob"})
        anonymous = await client.get("/api/v1/users/7")
    assert admin.status_code == 200
    assert admin.json() == {"id": 7, "by": "ann"}
    assert user.status_code == 403
    # The required roles travel as ``data``, as PyJolt sends them.
    assert user.json() == {"status": "error", "message": "Missing user role(s)", "data": ["admin", "superuser"]}
    assert anonymous.status_code == 401


async def test_decorator_order_does_not_matter_and_user_loads_once(client_app: Any, auth: Auth) -> None:
    async with TestClient(client_app) as client:
        ok = await client.get("/api/v1/users/reversed", headers={"X-User": "ann"})
        assert auth.loads == 1
        refused = await client.get("/api/v1/users/reversed", headers={"X-User": "bob"})
    assert ok.status_code == 200
    assert refused.status_code == 403


async def test_unprotected_endpoint_has_no_user(client_app: Any, auth: Auth) -> None:
    async with TestClient(client_app) as client:
        response = await client.get("/api/v1/users/public", headers={"X-User": "ann"})
    assert response.json() == {"user": None}
    assert auth.loads == 0


async def test_class_decorators_run_before_before_request(client_app: Any) -> None:
    async with TestClient(client_app) as client:
        admin = await client.get("/admin", headers={"X-User": "ann"})
        user = await client.get("/admin", headers={"X-User": "bob"})
        anonymous = await client.get("/admin")
    assert admin.status_code == 200
    assert admin.json() == {"seen": "ann"}  # the user was loaded before @before_request ran
    assert user.status_code == 403
    assert anonymous.status_code == 401


async def test_socket_handler_is_protected(client_app: Any) -> None:
    async with TestClient(client_app) as client:
        with pytest.raises(WebSocketDisconnect) as refused:
            async with client.websocket_connect("/api/v1/users/ws"):
                pass
        async with client.websocket_connect("/api/v1/users/ws", headers={"X-User": "bob"}) as ws:
            assert await ws.receive_text() == "hello bob"
    assert refused.value.code == 1008


async def test_messages_come_from_the_authentication_section(make_app: Any, auth: Auth) -> None:
    app = make_app(
        extensions=[auth],
        controllers=make_controllers(auth),
        AUTHENTICATION={"AUTHENTICATION_ERROR_MESSAGE": "Please log in", "UNAUTHORIZED_ERROR_MESSAGE": "Admins only"},
    )
    async with TestClient(app) as client:
        anonymous = await client.get("/api/v1/users/7")
        user = await client.get("/api/v1/users/7", headers={"X-User": "bob"})
    assert anonymous.json()["message"] == "Please log in"
    assert user.json()["message"] == "Admins only"


class RedirectingHandler(ExceptionHandler):
    @handles(AuthenticationException)
    async def to_login(self, req: Request, exc: AuthenticationException) -> Response:
        return req.response.redirect("/login")

    @handles(UnauthorizedException)
    async def forbidden(self, req: Request, exc: UnauthorizedException) -> Response:
        return req.response.json({"denied": exc.message}).status(403)


async def test_exceptions_are_handleable_in_an_exception_handler(make_app: Any, auth: Auth) -> None:
    app = make_app(extensions=[auth], controllers=make_controllers(auth), handlers=[RedirectingHandler])
    async with TestClient(app) as client:
        anonymous = await client.get("/admin", follow_redirects=False)
        user = await client.get("/admin", headers={"X-User": "bob"})
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login"
    assert user.json() == {"denied": "Missing user role(s)"}


async def test_plain_decorators_use_the_apps_extension(make_app: Any, auth: Auth) -> None:
    @path("/plain")
    @login_required
    @role_required("admin")
    class PlainClass(Controller):
        @get("/")
        async def index(self, req: Request) -> Response:
            return req.response.json({"name": req.user.name})

    @path("/plain-endpoint")
    class PlainEndpoint(Controller):
        @get("/")
        @login_required
        async def index(self, req: Request) -> Response:
            return req.response.json({"name": req.user.name})

    app = make_app(extensions=[auth], controllers=[PlainClass, PlainEndpoint])
    async with TestClient(app) as client:
        assert (await client.get("/plain", headers={"X-User": "ann"})).json() == {"name": "ann"}
        assert (await client.get("/plain", headers={"X-User": "bob"})).status_code == 403
        assert (await client.get("/plain-endpoint")).status_code == 401
        assert (await client.get("/plain-endpoint", headers={"X-User": "bob"})).json() == {"name": "bob"}


async def test_plain_decorator_without_extension_fails_at_startup(make_app: Any) -> None:
    @path("/nothing")
    class Unprotectable(Controller):
        @get("/")
        @login_required
        async def index(self, req: Request) -> Response:
            return req.response.json({})

    app = make_app(controllers=[Unprotectable])
    with pytest.raises(ImproperlyConfigured, match="Authentication"):
        await app.startup()


async def test_bound_decorator_of_an_unlisted_extension_fails_at_startup(make_app: Any, auth: Auth) -> None:
    app = make_app(controllers=make_controllers(auth))
    with pytest.raises(
        ImproperlyConfigured, match=r"via @(login|role)_required uses <Auth \(AUTHENTICATION\)>, which is not in this app's EXTENSIONS"
    ):
        await app.startup()


def test_user_loader_is_required(make_app: Any) -> None:
    class Lazy(Authentication):
        pass

    with pytest.raises(ImproperlyConfigured, match="user_loader"):
        make_app(extensions=[Lazy()])


def test_secret_key_is_required(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        make_app(extensions=[Auth()], SECRET_KEY=None)


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"JWT_ALGORITHM": "none"}, "AUTHENTICATION.JWT_ALGORITHM"),
        ({"JWT_LEEWAY": -1}, "AUTHENTICATION.JWT_LEEWAY"),
        ({"AUTHENTICATION_EROR_MESSAGE": "typo"}, "AUTHENTICATION.AUTHENTICATION_EROR_MESSAGE"),
    ],
)
def test_bad_config_names_the_key(make_app: Any, section: dict[str, Any], named: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=named):
        make_app(extensions=[Auth()], AUTHENTICATION=section)


def test_default_role_check_reads_roles_from_objects_and_dicts() -> None:
    from surge.auth import roles_of

    assert roles_of(USERS["ann"]) == {"admin"}
    assert roles_of({"roles": ["admin", "user"]}) == {"admin", "user"}
    assert roles_of({"role": UserRoles.USER}) == {"user"}
    assert roles_of(object()) == set()


async def test_default_role_check(make_app: Any) -> None:
    class ClaimsAuth(Authentication):
        async def user_loader(self, req: Request) -> Any:
            return {"sub": "1", "roles": req.headers.get("x-roles", "").split(",")}

    auth = ClaimsAuth()

    @path("/claims")
    class Claims(Controller):
        @get("/")
        @auth.role_required(UserRoles.ADMIN)
        async def index(self, req: Request) -> Response:
            return req.response.json(req.user)

    app = make_app(extensions=[auth], controllers=[Claims])
    async with TestClient(app) as client:
        assert (await client.get("/claims", headers={"X-Roles": "user,admin"})).status_code == 200
        assert (await client.get("/claims", headers={"X-Roles": "user"})).status_code == 403
