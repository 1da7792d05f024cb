"""Signed cookie values, as the seed's auth helpers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from surge import Request
from surge.auth import Authentication


class Auth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None


@pytest.fixture
def auth(make_app: Any) -> Auth:
    instance = Auth()
    make_app(extensions=[instance])
    return instance


def test_signed_cookie_round_trip(auth: Auth) -> None:
    signed = auth.create_signed_cookie_value(42)
    assert "42" not in signed.split(".")[-1]
    assert auth.decode_signed_cookie(signed) == 42
    assert auth.decode_signed_cookie(auth.create_signed_cookie_value("ann")) == "ann"


def test_tampered_cookie_decodes_to_none(auth: Auth) -> None:
    signed = auth.create_signed_cookie_value(42)
    value, timestamp, signature = signed.split(".")
    other = auth.create_signed_cookie_value(1).split(".")[0]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert auth.decode_signed_cookie(f"{other}.{timestamp}.{signature}") is None
    assert auth.decode_signed_cookie(f"{value}.{timestamp}.{flipped}") is None
    assert auth.decode_signed_cookie("42") is None
    assert auth.decode_signed_cookie("") is None
    assert auth.decode_signed_cookie(None) is None


def test_cookie_signed_with_another_secret_is_refused(make_app: Any, auth: Auth) -> None:
    other = Auth()
    make_app(extensions=[other], SECRET_KEY="a-completely-different-secret-key-value")
    assert auth.decode_signed_cookie(other.create_signed_cookie_value(42)) is None


def test_cookie_max_age(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = Auth()
    make_app(extensions=[auth], AUTHENTICATION={"COOKIE_MAX_AGE": 60})
    signed = auth.create_signed_cookie_value(42)
    assert auth.decode_signed_cookie(signed) == 42
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)  # a fake clock two minutes ahead
    assert auth.decode_signed_cookie(signed) is None
