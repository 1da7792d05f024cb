"""``AuthUtils``: PyJolt's helpers, compatible with what a PyJolt app stored."""

from __future__ import annotations

import time

import jwt
import pytest

from surge.auth import AuthUtils
from surge.exceptions import InvalidJWTError

SECRET = "auth-utils-test-secret-0123456789abcdef"

# Made by PyJolt 0.111.12: AuthUtils.create_password_hash("pw") and create_signed_cookie_value(42, "k").
PYJOLT_BCRYPT_HASH = "$2b$12$6fV9oIbGqi.D2c8L2a8AF.VNlRThvEsA7B7C0uWeps3obkH8cFIuy"
PYJOLT_SIGNED_42 = "42|eVUHT1EWnx9kBT2LLEA9f0HufKTz-f4ce4T5EIPyxQo="


def test_password_hashes() -> None:
    hashed = AuthUtils.create_password_hash("correct horse")
    assert hashed != "correct horse"
    assert AuthUtils.check_password_hash("correct horse", hashed)
    assert not AuthUtils.check_password_hash("wrong horse", hashed)
    assert AuthUtils.check_password_hash("pw", PYJOLT_BCRYPT_HASH)
    assert not AuthUtils.check_password_hash("pw2", PYJOLT_BCRYPT_HASH)


def test_signed_cookie_values() -> None:
    assert AuthUtils.create_signed_cookie_value(42, "k") == PYJOLT_SIGNED_42
    assert AuthUtils.decode_signed_cookie(PYJOLT_SIGNED_42, "k") == "42"
    for bad in ("43|" + PYJOLT_SIGNED_42.split("|")[1], "42", ""):
        with pytest.raises(ValueError, match="signature"):
            AuthUtils.decode_signed_cookie(bad, "k")
    with pytest.raises(ValueError):
        AuthUtils.decode_signed_cookie(PYJOLT_SIGNED_42, "other key")


def test_jwt_round_trip_and_refusals() -> None:
    token = AuthUtils.create_jwt_token({"sub": "7", "role": "admin"}, SECRET, expires_in=60)
    claims = AuthUtils.validate_jwt_token(token, SECRET)
    assert claims["sub"] == "7" and claims["role"] == "admin"
    assert 59 <= claims["exp"] - time.time() <= 61
    with pytest.raises(InvalidJWTError) as forged:
        AuthUtils.validate_jwt_token(token, SECRET + "x")
    assert forged.value.status_code == 401 and isinstance(forged.value, jwt.InvalidTokenError)
    expired = AuthUtils.create_jwt_token({"sub": "7"}, SECRET, expires_in=-10)
    with pytest.raises(InvalidJWTError, match="expired"):
        AuthUtils.validate_jwt_token(expired, SECRET)
    no_exp = jwt.encode({"sub": "7"}, SECRET, algorithm="HS256")
    with pytest.raises(InvalidJWTError):
        AuthUtils.validate_jwt_token(no_exp, SECRET)
    with pytest.raises(ValueError, match="dictionary"):
        AuthUtils.create_jwt_token(["sub"], SECRET)  # type: ignore[arg-type]


def test_a_pyjolt_token_validates() -> None:
    pyjolt_style = jwt.encode({"user": 1, "exp": int(time.time()) + 60}, SECRET, algorithm="HS256")
    assert AuthUtils.validate_jwt_token(pyjolt_style, SECRET)["user"] == 1
