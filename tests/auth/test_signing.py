"""Signed cookie values, as the seed's auth helpers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import pytest

from surge import Request
from surge.auth import Authentication

from surge_testkit import EXTENSION_TEST_SECRET


class Auth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None


@pytest.fixture
def auth(make_app: Any) -> Auth:
    instance = Auth()
    make_app(extensions=[instance])
    return instance


def test_signed_cookie_is_pyjolts_format(auth: Auth) -> None:
    signed = auth.create_signed_cookie_value(42)
    value, signature = signed.split("|")
    assert value == "42" and signature.endswith("=")  # value|urlsafe-base64(HMAC-SHA256)
    assert auth.decode_signed_cookie(signed) == "42"  # the string that was signed
    assert auth.decode_signed_cookie(auth.create_signed_cookie_value("ann|x")) == "ann|x"


def test_cookie_signed_by_pyjolt_is_accepted(auth: Auth) -> None:
    # HMAC-SHA256 of "7" with the test secret, as PyJolt's AuthUtils.create_signed_cookie_value makes it
    digest = hmac.new(EXTENSION_TEST_SECRET.encode(), b"7", hashlib.sha256).digest()
    assert auth.decode_signed_cookie("7|" + base64.urlsafe_b64encode(digest).decode()) == "7"


def test_tampered_cookie_decodes_to_none(auth: Auth) -> None:
    signed = auth.create_signed_cookie_value(42)
    value, signature = signed.split("|")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert auth.decode_signed_cookie(f"1|{signature}") is None
    assert auth.decode_signed_cookie(f"{value}|{flipped}") is None
    assert auth.decode_signed_cookie(f"{value}|{signature}x") is None
    assert auth.decode_signed_cookie(f"{value}|é{signature}") is None
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
    assert auth.decode_signed_cookie(signed) == "42"
    value, stamp, signature = signed.split("|")
    assert auth.decode_signed_cookie(f"{value}|{signature}") is None  # no timestamp: age unknown
    assert auth.decode_signed_cookie(f"{value}|{int(stamp) + 1000}|{signature}") is None  # stamp is signed
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)  # a fake clock two minutes ahead
    assert auth.decode_signed_cookie(signed) is None
