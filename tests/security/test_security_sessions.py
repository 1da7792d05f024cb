"""req.session: persistence, cookie flags, tampering, expiry, rotation, invalidation; every backend."""

from __future__ import annotations

import time
from typing import Any

import pytest
import redis.asyncio as aioredis

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.exceptions import ImproperlyConfigured
from surge.security import Sessions
from surge.testing import TestClient

HTTPS = "https://testserver"


@path("/s")
class SessionApi(Controller):
    @get("/")
    async def read(self, req: Request) -> Response:
        return req.response.json(dict(req.session))

    @post("/")
    async def write(self, req: Request) -> Response:
        for key, value in (await req.json()).items():
            req.session[key] = value
        return req.response.json({"ok": True})

    @post("/touch")
    async def touch(self, req: Request) -> Response:
        req.session.touch()
        return req.response.json({"ok": True})

    @post("/expiry")
    async def expiry(self, req: Request) -> Response:
        req.session.set_expiry(30)
        return req.response.json({"ok": True})

    @post("/rotate")
    async def rotate(self, req: Request) -> Response:
        req.session.rotate()
        return req.response.json({"ok": True})

    @post("/clear")
    async def clear(self, req: Request) -> Response:
        req.session.clear()
        return req.response.json({"ok": True})

    @post("/invalidate")
    async def invalidate(self, req: Request) -> Response:
        req.session.invalidate()
        return req.response.json({"ok": True})


@pytest.fixture(params=["cookie", "memory", "redis"])
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The SESSIONS section of each backend (redis: a real server, keys under a unique prefix)."""
    if request.param == "redis":
        return dict(request.getfixturevalue("redis_section"))
    return {"BACKEND": request.param}


def session_app(make_app: Any, section: dict[str, Any]) -> Any:
    return make_app(extensions=[Sessions()], controllers=[SessionApi], SESSIONS=section)


def set_cookie_headers(response: Any) -> list[str]:
    return response.headers.get_list("set-cookie")


async def test_session_persists_across_requests(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        assert (await client.get("/s")).json() == {}
        await client.post("/s", json={"user": "ann", "n": 1})
        await client.post("/s", json={"n": 2})
        assert (await client.get("/s")).json() == {"user": "ann", "n": 2}


async def test_cookie_has_secure_defaults(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        response = await client.post("/s", json={"n": 1})
    (cookie,) = set_cookie_headers(response)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert cookie.startswith("session=")
    assert {"secure", "httponly", "samesite", "max-age", "path"} <= attributes
    assert "SameSite=Lax" in cookie
    assert "Max-Age=1209600" in cookie
    assert "Cookie" in response.headers["vary"]


async def test_no_cookie_until_the_session_holds_something(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        fresh = await client.get("/s")
        await client.post("/s", json={"n": 1})
        read_again = await client.get("/s")
    assert set_cookie_headers(fresh) == []
    assert set_cookie_headers(read_again) == []  # reading does not extend the expiry


async def test_tampered_cookie_gives_an_empty_session(plant_cookie: Any, make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        await client.post("/s", json={"role": "user"})
        genuine = client.cookies["session"]
        value, _, signature = genuine.rpartition(".")
        plant_cookie(client, "session", value + "." + ("A" if signature[0] != "A" else "B") + signature[1:])
        tampered = await client.get("/s")
        plant_cookie(client, "session", "garbage")
        garbage = await client.get("/s")
        plant_cookie(client, "session", genuine)
        restored = await client.get("/s")
    assert tampered.json() == {}
    assert garbage.json() == {}
    assert restored.json() == {"role": "user"}


async def test_expired_session_is_empty(make_app: Any, backend: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    app = session_app(make_app, {**backend, "LIFETIME": 60})
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/s", json={"n": 1})
        assert (await client.get("/s")).json() == {"n": 1}
        later = time.time() + 61
        monkeypatch.setattr(time, "time", lambda: later)  # a fake clock past the lifetime
        assert (await client.get("/s")).json() == {}


async def test_touch_and_set_expiry_extend_the_session(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        await client.post("/s", json={"n": 1})
        touched = await client.post("/s/touch")
        custom = await client.post("/s/expiry")
        changed_later = await client.post("/s", json={"n": 2})
    assert "Max-Age=1209600" in set_cookie_headers(touched)[0]
    assert "Max-Age=30" in set_cookie_headers(custom)[0]
    assert "Max-Age=30" in set_cookie_headers(changed_later)[0]  # the session keeps its own lifetime


async def test_refresh_each_request(make_app: Any) -> None:
    app = session_app(make_app, {"REFRESH_EACH_REQUEST": True})
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/s", json={"n": 1})
        read = await client.get("/s")
    assert len(set_cookie_headers(read)) == 1


async def test_rotate_keeps_data_under_a_new_id(plant_cookie: Any, make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        await client.post("/s", json={"user": "ann"})
        before = client.cookies["session"]
        await client.post("/s/rotate")
        after = client.cookies["session"]
        assert (await client.get("/s")).json() == {"user": "ann"}
        plant_cookie(client, "session", before)
        replayed = await client.get("/s")
    assert before != after
    if backend["BACKEND"] != "cookie":  # server-side sessions: the old id is gone
        assert replayed.json() == {}


async def test_invalidate_deletes_the_session(plant_cookie: Any, make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        await client.post("/s", json={"user": "ann"})
        old = client.cookies["session"]
        response = await client.post("/s/invalidate")
        assert "session" not in client.cookies
        assert (await client.get("/s")).json() == {}
        plant_cookie(client, "session", old)
        replayed = await client.get("/s")
    assert "Max-Age=0" in set_cookie_headers(response)[0]
    if backend["BACKEND"] != "cookie":
        assert replayed.json() == {}


async def test_a_session_emptied_by_a_request_is_deleted(make_app: Any, backend: dict[str, Any]) -> None:
    async with TestClient(session_app(make_app, backend), base_url=HTTPS) as client:
        await client.post("/s", json={"n": 1})
        response = await client.post("/s/clear")
        assert "session" not in client.cookies
    assert "Max-Age=0" in set_cookie_headers(response)[0]


async def test_redis_keeps_the_data_with_a_ttl(make_app: Any, redis_url: str, redis_prefix: str) -> None:
    app = session_app(make_app, {"BACKEND": "redis", "REDIS_URL": redis_url, "KEY_PREFIX": redis_prefix, "LIFETIME": 300})
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/s", json={"user": "ann"})
        assert "ann" not in client.cookies["session"]  # only a signed id travels
    server = aioredis.from_url(redis_url)
    try:
        keys = [key async for key in server.scan_iter(match=f"{redis_prefix}*")]
        assert len(keys) == 1
        assert b"ann" in await server.get(keys[0])
        assert 0 < await server.ttl(keys[0]) <= 300
    finally:
        await server.aclose()


async def test_unknown_session_id_is_never_adopted(make_app: Any, redis_url: str, redis_prefix: str) -> None:
    """Session fixation: an id the server does not know (deleted, or planted) is replaced."""
    app = session_app(make_app, {"BACKEND": "redis", "REDIS_URL": redis_url, "KEY_PREFIX": redis_prefix})
    server = aioredis.from_url(redis_url)
    try:
        async with TestClient(app, base_url=HTTPS) as client:
            await client.post("/s", json={"n": 1})
            planted = client.cookies["session"]
            await server.delete(*[key async for key in server.scan_iter(match=f"{redis_prefix}*")])
            assert (await client.get("/s")).json() == {}
            await client.post("/s", json={"n": 2})
            assert client.cookies["session"] != planted
    finally:
        await server.aclose()


async def test_cookie_flags_are_configurable(make_app: Any) -> None:
    section = {"COOKIE_NAME": "sid", "COOKIE_SECURE": False, "COOKIE_SAMESITE": "Strict", "COOKIE_PATH": "/s"}
    async with TestClient(session_app(make_app, section)) as client:  # plain http works without Secure
        response = await client.post("/s", json={"n": 1})
        assert (await client.get("/s")).json() == {"n": 1}
    cookie = set_cookie_headers(response)[0]
    assert cookie.startswith("sid=")
    assert "Secure" not in cookie and "SameSite=Strict" in cookie and "Path=/s" in cookie


async def test_req_session_without_the_extension_says_what_to_do(make_app: Any) -> None:
    app = make_app(controllers=[SessionApi])
    async with TestClient(app) as client:
        with pytest.raises(RuntimeError, match="Sessions extension"):
            await client.get("/s")


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"BACKEND": "redis"}, "SESSIONS.REDIS_URL"),
        ({"BACKEND": "files"}, "SESSIONS.BACKEND"),
        ({"COOKIE_SAMESITE": "lax-ish"}, "SESSIONS.COOKIE_SAMESITE"),
        ({"LIFETIME": 0}, "SESSIONS.LIFETIME"),
    ],
)
def test_bad_config_names_the_key(make_app: Any, section: dict[str, Any], named: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=named):
        session_app(make_app, section)


def test_secret_key_is_required(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        make_app(extensions=[Sessions()], SECRET_KEY=None)
