"""One-time tokens: signed, expiring, revocable, single use."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.exceptions import ImproperlyConfigured
from surge.security import (
    OneTimeTokens,
)
from surge.testing import TestClient


@pytest.fixture(params=["memory", "redis"])
def section(request: pytest.FixtureRequest) -> dict[str, Any]:
    if request.param == "redis":
        return dict(request.getfixturevalue("redis_section"))
    return {"BACKEND": "memory"}


@pytest.fixture
async def tokens(make_app: Any, section: dict[str, Any]) -> AsyncIterator[OneTimeTokens]:
    extension = OneTimeTokens()
    make_app(extensions=[extension], ONE_TIME_TOKENS=section)
    yield extension
    await extension.shutdown()


async def test_create_and_decode(tokens: OneTimeTokens) -> None:
    token = tokens.create({"user": 7}, expires_in=60, purpose="reset")
    assert "/" not in token and "+" not in token  # URL-safe
    assert tokens.decode(token, purpose="reset") == {"user": 7}
    assert await tokens.verify(token, purpose="reset") == {"user": 7}
    assert await tokens.verify(token, purpose="reset") == {"user": 7}  # verify does not spend it


async def test_wrong_purpose_tampering_and_garbage(tokens: OneTimeTokens) -> None:
    token = tokens.create("hans", purpose="reset")
    payload, _, signature = token.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert tokens.decode(token) is None  # default purpose differs
    assert tokens.decode(token, purpose="confirm-email") is None
    assert tokens.decode(forged, purpose="reset") is None
    assert tokens.decode("garbage", purpose="reset") is None
    assert await tokens.consume(None) is None


async def test_expiry(tokens: OneTimeTokens, monkeypatch: pytest.MonkeyPatch) -> None:
    token = tokens.create("hans", expires_in=60)
    assert tokens.decode(token) == "hans"
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)  # a fake clock past the expiry
    assert tokens.decode(token) is None


async def test_consume_accepts_a_token_once(tokens: OneTimeTokens) -> None:
    token = tokens.create({"user": 7})
    other = tokens.create({"user": 7})
    assert await tokens.consume(token) == {"user": 7}
    assert await tokens.consume(token) is None
    assert await tokens.verify(token) is None
    assert await tokens.consume(other) == {"user": 7}  # each token is spent on its own


async def test_revoke(tokens: OneTimeTokens) -> None:
    token = tokens.create("hans")
    await tokens.revoke(token)
    await tokens.revoke("garbage")
    assert tokens.decode(token) == "hans"  # decode is signature and expiry only
    assert await tokens.verify(token) is None
    assert await tokens.consume(token) is None


async def test_password_reset_flow_through_the_app(make_app: Any) -> None:
    ott = OneTimeTokens()

    @path("/password")
    class PasswordReset(Controller):
        @post("/forgot")
        async def forgot(self, req: Request) -> Response:
            token = ott.create({"user": "hans"}, expires_in=3600, purpose="reset")
            return req.response.json({"link": f"/password/reset?token={token}"})

        @get("/reset")
        async def reset(self, req: Request, token: str) -> Response:
            data = await ott.consume(token, purpose="reset")
            if data is None:
                return req.response.json({"status": "error", "message": "Invalid or used link"}).status(400)
            return req.response.json({"reset_for": data["user"]})

    app = make_app(extensions=[ott], controllers=[PasswordReset])
    async with TestClient(app) as client:
        link = (await client.post("/password/forgot")).json()["link"]
        first = await client.get(link)
        second = await client.get(link)
        forged = await client.get("/password/reset?token=abc.def")
    assert first.json() == {"reset_for": "hans"}
    assert second.status_code == 400
    assert forged.status_code == 400


def test_config_errors(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="ONE_TIME_TOKENS.REDIS_URL"):
        make_app(extensions=[OneTimeTokens()], ONE_TIME_TOKENS={"BACKEND": "redis"})
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        make_app(extensions=[OneTimeTokens()], SECRET_KEY=None)
