"""Authentication backends (JWT, Basic), permissions, login routes and rate limits."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from surge.auth import BearerTokenAuthentication
from surge.exceptions.config import ImproperlyConfigured
from surge.rest import (
    AllowAny,
    AppAuthentication,
    Authentication,
    BasicAuthentication,
    Field,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
    RestApi,
    RestEndpoint,
)
from surge.testing import TestClient
from surge.testing.client import LifespanFailed

from rest_testkit import Target, rest_app

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
USERS = {"ada": ("lovelace", {"sub": "1", "is_admin": True}), "bob": ("builder", {"sub": "2", "is_admin": False})}


def validator(username: str, password: str) -> dict[str, Any] | None:
    found = USERS.get(username)
    return dict(found[1]) if found and found[0] == password else None


class ProtectedEndpoint(RestEndpoint):
    secret: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)


class AdminOnlyEndpoint(RestEndpoint):
    data: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(backend=JWTAuthentication, permission=IsAdminUser)


class MixedEndpoint(RestEndpoint):
    text: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication, permission={"GET": AllowAny, "POST": IsAuthenticated, "DELETE": IsAdminUser}
        )


def _app(target: Target, **rest: Any) -> Any:
    config = {"JWT_SECRET": SECRET, "LOGIN_VALIDATOR": "test_authentication:validator", **rest}
    return rest_app(
        target,
        {"/secrets": ProtectedEndpoint, "/admin": AdminOnlyEndpoint, "/mixed": MixedEndpoint},
        REST_API=config,
    )


async def _token(client: Any, username: str, password: str, path: str = "/auth/token") -> str:
    response = await client.post(path, json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


async def test_jwt_backend_and_permissions(target: Target) -> None:
    async with TestClient(_app(target)) as client:
        anonymous = await client.get("/secrets")
        assert anonymous.status_code == 401
        assert anonymous.json() == {"detail": "Authentication credentials invalid."}
        assert anonymous.headers["www-authenticate"] == "Bearer"
        forged = await client.get("/secrets", headers={"Authorization": "Bearer not.a.token"})
        assert forged.status_code == 401
        wrong_scheme = await client.get("/secrets", headers={"Authorization": "Token abc"})
        assert wrong_scheme.status_code == 401

        bob = {"Authorization": f"Bearer {await _token(client, 'bob', 'builder')}"}
        ada = {"Authorization": f"Bearer {await _token(client, 'ada', 'lovelace', '/auth/login')}"}
        assert (await client.post("/secrets", json={"secret": "s"}, headers=bob)).status_code == 201
        assert (await client.get("/secrets", headers=bob)).json()["results"][0]["secret"] == "s"

        denied = await client.post("/admin", json={"data": "x"}, headers=bob)
        assert denied.status_code == 403
        assert denied.json() == {"detail": "You do not have permission to perform this action."}
        assert (await client.post("/admin", json={"data": "x"}, headers=ada)).status_code == 201

        assert (await client.get("/mixed")).status_code == 200  # AllowAny on GET
        assert (await client.post("/mixed", json={"text": "t"})).status_code == 401
        assert (await client.post("/mixed", json={"text": "t"}, headers=bob)).status_code == 201
        assert (await client.delete("/mixed/1", headers=bob)).status_code == 403
        assert (await client.delete("/mixed/1", headers=ada)).status_code == 204
        # PUT is not in the mapping: the default with a backend is IsAuthenticated
        assert (await client.put("/mixed/1", json={"text": "u", "version": 1})).status_code == 401


async def test_authentication_runs_before_body_validation(sqlite_target: Target) -> None:
    async with TestClient(_app(sqlite_target)) as client:
        response = await client.post("/secrets", json={"secret": ""})
        assert response.status_code == 401


async def test_login_routes(sqlite_target: Target) -> None:
    app = _app(sqlite_target)
    async with TestClient(app) as client:
        login = await client.post("/auth/login", json={"username": "ada", "password": "lovelace"})
        assert login.status_code == 200
        body = login.json()
        assert body["user"] == {"sub": "1", "is_admin": True} and isinstance(body["token"], str)
        claims = app.extensions["rest_api"].jwt.decode(body["token"])
        assert claims["sub"] == "1" and claims["exp"] > claims["iat"]
        refused = await client.post("/auth/token", json={"username": "ada", "password": "nope"})
        assert refused.status_code == 401 and refused.json() == {"detail": "Invalid credentials."}
        invalid = await client.post("/auth/login", json={"username": "ada"})
        assert invalid.status_code == 422
        assert invalid.json()["detail"][0]["loc"] == ["body", "password"]


class BasicEndpoint(RestEndpoint):
    note: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(backend=BasicAuthentication, permission=IsAuthenticated)


def _basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


async def test_basic_backend_and_basic_only_login(target: Target) -> None:
    app = rest_app(target, {"/notes": BasicEndpoint}, REST_API={"LOGIN_VALIDATOR": "test_authentication:validator"})
    async with TestClient(app) as client:
        anonymous = await client.get("/notes")
        assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == 'Basic realm="api"'
        assert (await client.get("/notes", headers=_basic("bob", "wrong"))).status_code == 401
        assert (await client.get("/notes", headers={"Authorization": "Basic !!!"})).status_code == 401
        assert (await client.post("/notes", json={"note": "n"}, headers=_basic("bob", "builder"))).status_code == 201
        login = await client.post("/auth/login", json={"username": "bob", "password": "builder"})
        assert login.json() == {"user": {"sub": "2", "is_admin": False}}  # Basic only: no token


class LdapBackend(JWTAuthentication):
    async def validate_credentials(self, username: str, password: str) -> dict[str, Any] | None:
        return {"sub": username, "is_admin": False} if password == "open sesame" else None


class CustomEndpoint(RestEndpoint):
    value: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(backend=LdapBackend)


async def test_custom_backend_validates_the_login(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/custom": CustomEndpoint}, REST_API={"JWT_SECRET": SECRET})
    async with TestClient(app) as client:
        token = await _token(client, "carol", "open sesame")
        assert (await client.get("/custom", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        assert (await client.post("/auth/token", json={"username": "carol", "password": "x"})).status_code == 401


async def test_async_validator_given_in_code(sqlite_target: Target) -> None:
    async def check(username: str, password: str) -> dict[str, Any] | None:
        return {"sub": username} if password == "pw" else None

    app = rest_app(sqlite_target, {"/secrets": ProtectedEndpoint}, rest=RestApi(login_validator=check), SECRET_KEY="k")
    async with TestClient(app) as client:
        token = await _token(client, "dora", "pw")
        response = await client.get("/secrets", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200


def test_jwt_needs_a_long_enough_secret(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/secrets": ProtectedEndpoint}, REST_API={"JWT_SECRET": "short"})
    with pytest.raises(ImproperlyConfigured, match="REST_API.JWT_SECRET must be at least 32 bytes"):
        app.extensions["rest_api"].jwt  # noqa: B018


async def test_jwt_without_any_secret_fails_at_startup(sqlite_target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SURGE_JWT_SECRET", raising=False)
    app = rest_app(sqlite_target, {"/secrets": ProtectedEndpoint})
    with pytest.raises(LifespanFailed, match=r"JWTAuthentication needs REST_API.JWT_SECRET"):
        async with TestClient(app):
            pass


def test_basic_without_validator_fails_when_compiled(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/notes": BasicEndpoint})
    with pytest.raises(ImproperlyConfigured, match="BasicAuthentication needs REST_API.LOGIN_VALIDATOR"):
        app.compile()


class LimitedEndpoint(RestEndpoint):
    data: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(permission=AllowAny, rate_limiter={"requests": 3, "window": 60})


class FreeEndpoint(RestEndpoint):
    data: str = Field(min_length=1)


async def test_per_endpoint_rate_limit(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/limited": LimitedEndpoint, "/free": FreeEndpoint})) as client:
        statuses = [(await client.get("/limited")).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        refused = await client.get("/limited")
        assert refused.json() == {"detail": "Too many requests"} and int(refused.headers["retry-after"]) >= 1
        assert [(await client.get("/free")).status_code for _ in range(5)] == [200] * 5


async def test_global_rate_limit_from_config(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/free": FreeEndpoint}, REST_API={"RATE_LIMIT": "4/minute"})
    async with TestClient(app) as client:
        statuses = [(await client.get("/free")).status_code for _ in range(4)]
        statuses.append((await client.post("/free", json={"data": "x"})).status_code)
        assert statuses == [200, 200, 200, 200, 429]


async def test_limits_are_shared_through_redis(sqlite_target: Target, redis_url: str) -> None:
    """Two apps (two processes behind a balancer) count in one Redis store."""
    import uuid

    from surge.security import RateLimiter

    prefix = f"surge:test:{uuid.uuid4().hex}:"
    settings = {"BACKEND": "redis", "REDIS_URL": redis_url, "KEY_PREFIX": prefix}
    apps = [
        rest_app(sqlite_target, {"/limited": LimitedEndpoint}, extensions=(RateLimiter(),), RATE_LIMITER=settings)
        for _ in range(2)
    ]
    async with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        statuses = [(await client.get("/limited")).status_code for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


class AppTokenAuth(BearerTokenAuthentication):
    """The app's own authentication extension (surge.auth)."""


class AppProtectedEndpoint(RestEndpoint):
    value: str = Field(min_length=1)

    class Meta:
        authentication = Authentication(backend=AppAuthentication, permission={"GET": AllowAny})


async def test_the_apps_own_authentication_extension(sqlite_target: Target) -> None:
    from surge.openapi import build_openapi

    auth = AppTokenAuth()
    app = rest_app(
        sqlite_target,
        {"/app-protected": AppProtectedEndpoint},
        extensions=(auth,),
        AUTHENTICATION={"JWT_SECRET": SECRET},
        SECRET_KEY="app-secret",
    )
    token = auth.create_jwt_token({"sub": "7"})
    async with TestClient(app) as client:
        assert (await client.get("/app-protected")).status_code == 200
        refused = await client.post("/app-protected", json={"value": "v"})
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        allowed = await client.post("/app-protected", json={"value": "v"}, headers={"Authorization": f"Bearer {token}"})
        assert allowed.status_code == 201
    document = build_openapi(app)
    assert document["paths"]["/app-protected"]["post"]["security"] == [{"bearerAuth": []}]
