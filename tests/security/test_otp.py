"""TOTP helpers: codes, windows, provisioning URIs, no replay."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from surge.security import (
    MemoryStore,
    generate_totp_secret,
    totp_now,
    totp_provisioning_uri,
    verify_totp,
    verify_totp_once,
)
from surge.security.stores import RedisStore


def test_totp_round_trip() -> None:
    secret = generate_totp_secret()
    code = totp_now(secret)
    assert len(code) == 6 and code.isdigit()
    assert verify_totp(secret, code)
    assert pyotp.TOTP(secret).now() == code  # what an authenticator app computes


def test_totp_refuses_wrong_and_malformed_codes() -> None:
    secret = generate_totp_secret()
    code = totp_now(secret)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert not verify_totp(secret, wrong, valid_window=0)
    for bad in ("", None, "abcdef", "12 34"):
        assert not verify_totp(secret, bad)
    assert not verify_totp(generate_totp_secret(), code, valid_window=0)


def test_totp_previous_step_within_the_window() -> None:
    secret = generate_totp_secret()
    previous = pyotp.TOTP(secret).at(time.time() - 30)
    assert verify_totp(secret, previous, valid_window=1)


def test_provisioning_uri() -> None:
    secret = generate_totp_secret()
    uri = totp_provisioning_uri(secret, "ann@example.com", "Surge demo")
    assert uri.startswith("otpauth://totp/Surge%20demo:ann%40example.com?")
    assert f"secret={secret}" in uri


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_totp_code_cannot_be_replayed(kind: str, request: pytest.FixtureRequest) -> None:
    if kind == "redis":
        store: Any = RedisStore(request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix"))
    else:
        store = MemoryStore()
    secret = generate_totp_secret()
    code = totp_now(secret)
    try:
        assert await verify_totp_once(secret, code, store, user_key="ann")
        assert not await verify_totp_once(secret, code, store, user_key="ann")
        assert await verify_totp_once(secret, code, store, user_key="bob")  # per user
        assert not await verify_totp_once(secret, "000000" if code != "000000" else "111111", store, "carl", 0)
    finally:
        await store.close()
