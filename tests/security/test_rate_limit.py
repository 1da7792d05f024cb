"""Rate limits: per endpoint and global, by IP or user, 429 with Retry-After, memory and Redis."""

from __future__ import annotations

from typing import Any

import pytest

from surge import Request, Response
from surge.auth import Authentication
from surge.controller import Controller, get, path, post
from surge.exceptions import ImproperlyConfigured
from surge.security import RateLimiter, rate_limit
from surge.testing import TestClient


class HeaderAuth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        name = req.headers.get("x-user")
        return {"sub": name} if name else None


auth = HeaderAuth()


@path("/")
class Limited(Controller):
    @post("/login")
    @rate_limit("3/minute")
    async def login(self, req: Request) -> Response:
        form = await req.form()
        if form.get("password") != "right":
            return req.response.json({"status": "error", "message": "Bad credentials"}).status(401)
        return req.response.json({"ok": True})

    @get("/search")
    @rate_limit("2/minute", "5/day")
    async def search(self, req: Request) -> dict[str, bool]:
        return {"ok": True}

    @get("/me")
    @auth.login_required
    @rate_limit("2/minute", key="user")
    async def me(self, req: Request) -> dict[str, str]:
        return {"sub": req.user["sub"]}

    @get("/a")
    @rate_limit("2/minute", scope="shared")
    async def a(self, req: Request) -> dict[str, str]:
        return {"at": "a"}

    @get("/b")
    @rate_limit("2/minute", scope="shared")
    async def b(self, req: Request) -> dict[str, str]:
        return {"at": "b"}

    @get("/by-key")
    @rate_limit("1/minute", key=lambda req: req.query_params.get("tenant", ""))
    async def by_key(self, req: Request) -> dict[str, bool]:
        return {"ok": True}

    @get("/free")
    async def free(self, req: Request) -> dict[str, bool]:
        return {"ok": True}


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "redis":
        return dict(request.getfixturevalue("redis_section"))
    return {"BACKEND": "memory"}


def limited_app(make_app: Any, section: dict[str, Any]) -> Any:
    return make_app(extensions=[RateLimiter(), auth], controllers=[Limited], RATE_LIMITER=section)


async def test_brute_force_login_hits_the_limit(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(limited_app(make_app, backend)) as client:
        attempts = [await client.post("/login", data={"password": guess}) for guess in ("a", "b", "c", "right")]
    assert [r.status_code for r in attempts] == [401, 401, 401, 429]  # even the right password is refused now
    refused = attempts[-1]
    assert refused.json() == {"status": "error", "message": "Too many requests"}
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-limit"] == "3"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-policy"] == "3;w=60"
    assert attempts[0].headers["ratelimit-remaining"] == "2"
    assert attempts[1].headers["ratelimit-remaining"] == "1"


async def test_headers_on_plain_return_values_and_several_limits(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(limited_app(make_app, backend)) as client:
        first = await client.get("/search")
        second = await client.get("/search")
        third = await client.get("/search")
    assert first.json() == {"ok": True}
    assert first.headers["ratelimit-limit"] == "2"  # the tightest limit is reported
    assert first.headers["ratelimit-policy"] == "2;w=60, 5;w=86400"
    assert second.headers["ratelimit-remaining"] == "0"
    assert third.status_code == 429


async def test_counters_are_per_client_ip(make_app: Any, backend: dict[str, Any]) -> None:
    app = limited_app(make_app, {**backend, "PROXY_COUNT": 1})
    async with TestClient(app) as client:
        for _ in range(3):
            await client.post("/login", data={}, headers={"X-Forwarded-For": "203.0.113.7"})
        blocked = await client.post("/login", data={}, headers={"X-Forwarded-For": "203.0.113.7"})
        other = await client.post("/login", data={}, headers={"X-Forwarded-For": "198.51.100.1"})
        spoofed = await client.post("/login", data={}, headers={"X-Forwarded-For": "10.0.0.1, 203.0.113.7"})
    assert blocked.status_code == 429
    assert other.status_code == 401
    assert spoofed.status_code == 429  # only the hop our proxy added counts


async def test_key_by_user(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(limited_app(make_app, backend)) as client:
        ann = [await client.get("/me", headers={"X-User": "ann"}) for _ in range(3)]
        bob = await client.get("/me", headers={"X-User": "bob"})
    assert [r.status_code for r in ann] == [200, 200, 429]
    assert bob.status_code == 200


async def test_shared_scope_and_custom_key(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(limited_app(make_app, backend)) as client:
        statuses = [(await client.get(url)).status_code for url in ("/a", "/b", "/a")]
        first_tenant = [(await client.get("/by-key?tenant=t1")).status_code for _ in range(2)]
        second_tenant = (await client.get("/by-key?tenant=t2")).status_code
    assert statuses == [200, 200, 429]
    assert first_tenant == [200, 429]
    assert second_tenant == 200


async def test_global_default_limits(make_app: Any, backend: dict[str, Any]) -> None:
    app = limited_app(make_app, {**backend, "DEFAULT_LIMITS": ["3/minute"], "EXEMPT_PATHS": ["/free"]})
    async with TestClient(app) as client:
        statuses = [(await client.get(url)).status_code for url in ("/a", "/missing", "/search", "/by-key?tenant=x")]
        exempt = await client.get("/free")
    assert statuses == [200, 404, 200, 429]  # 404s count too: scanning is throttled
    assert exempt.status_code == 200
    assert "ratelimit-limit" not in exempt.headers


async def test_disabled_limiter_lets_everything_through(make_app: Any) -> None:
    async with TestClient(limited_app(make_app, {"ENABLED": False, "DEFAULT_LIMITS": ["1/minute"]})) as client:
        statuses = [(await client.post("/login", data={})).status_code for _ in range(5)]
    assert statuses == [401] * 5


async def test_headers_can_be_turned_off(make_app: Any) -> None:
    async with TestClient(limited_app(make_app, {"HEADERS_ENABLED": False})) as client:
        ok = await client.get("/a")
        await client.get("/a")
        refused = await client.get("/a")
    assert "ratelimit-limit" not in ok.headers
    assert refused.status_code == 429 and "retry-after" in refused.headers


def test_bad_decorator_arguments_fail_at_import() -> None:
    with pytest.raises(ImproperlyConfigured, match="10/fortnight"):
        rate_limit("10/fortnight")(lambda self, req: None)
    with pytest.raises(ImproperlyConfigured, match="key must be"):
        rate_limit("1/second", key="session")(lambda self, req: None)
    with pytest.raises(ImproperlyConfigured, match="at least one limit"):
        rate_limit()(lambda self, req: None)


async def test_missing_extension_fails_at_startup(make_app: Any) -> None:
    app = make_app(extensions=[auth], controllers=[Limited])
    with pytest.raises(ImproperlyConfigured, match="RateLimiter"):
        await app.startup()


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"DEFAULT_LIMITS": ["10/minute", "lots"]}, "RATE_LIMITER.DEFAULT_LIMITS.1"),
        ({"BACKEND": "redis"}, "RATE_LIMITER.REDIS_URL"),
        ({"PROXY_COUNT": -1}, "RATE_LIMITER.PROXY_COUNT"),
    ],
)
def test_bad_config_names_the_key(make_app: Any, section: dict[str, Any], named: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=named):
        make_app(extensions=[RateLimiter()], RATE_LIMITER=section)
