"""JWT helpers: claims checked, forged tokens refused, HS256 by default, RS256/ES256 from config keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from surge import Request
from surge.auth import Authentication
from surge.exceptions import ImproperlyConfigured

JWT_SECRET = "a-known-jwt-secret-for-forging-tests-0123456789"


class Auth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return None


def make_auth(make_app: Any, **section: Any) -> Auth:
    auth = Auth()
    make_app(extensions=[auth], AUTHENTICATION=section)
    return auth


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def handmade_token(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    """A token signed by hand (HMAC-SHA256, or unsigned), as an attacker would write it."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = b"" if key is None else hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "42", "iat": now, "nbf": now, "exp": now + 600, **extra}


def test_round_trip_with_default_hs256(make_app: Any) -> None:
    auth = make_auth(make_app)
    token = auth.create_jwt_token({"sub": "42", "roles": ["admin"]})
    header = jwt.get_unverified_header(token)
    decoded = auth.validate_jwt_token(token)
    assert header["alg"] == "HS256"
    assert decoded is not None
    assert decoded["sub"] == "42" and decoded["roles"] == ["admin"]
    assert decoded["exp"] - decoded["iat"] == 3600
    assert decoded["nbf"] == decoded["iat"]


def test_expires_in_argument_and_config(make_app: Any) -> None:
    auth = make_auth(make_app, JWT_EXPIRES_IN=120)
    default = auth.validate_jwt_token(auth.create_jwt_token({"sub": "1"}))
    custom = auth.validate_jwt_token(auth.create_jwt_token({"sub": "1"}, expires_in=30))
    assert default is not None and default["exp"] - default["iat"] == 120
    assert custom is not None and custom["exp"] - custom["iat"] == 30


def test_expired_token_is_refused(make_app: Any) -> None:
    auth = make_auth(make_app)
    assert auth.validate_jwt_token(auth.create_jwt_token({"sub": "1"}, expires_in=-5)) is None


def test_leeway_tolerates_clock_skew(make_app: Any) -> None:
    auth = make_auth(make_app, JWT_LEEWAY=60)
    assert auth.validate_jwt_token(auth.create_jwt_token({"sub": "1"}, expires_in=-5)) is not None


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_token_from_the_future_is_refused(make_app: Any, claim: str) -> None:
    auth = make_auth(make_app)
    token = auth.create_jwt_token({"sub": "1", claim: int(time.time()) + 3600})
    assert auth.validate_jwt_token(token) is None


@pytest.mark.parametrize("missing", ["exp", "iat"])
def test_exp_and_iat_are_required(make_app: Any, missing: str) -> None:
    auth = make_auth(make_app, JWT_SECRET=JWT_SECRET)
    payload = claims()
    del payload[missing]
    token = jwt.encode(payload, JWT_SECRET, algorithm="HS256")
    assert auth.validate_jwt_token(token) is None


def test_issuer_and_audience_are_checked(make_app: Any) -> None:
    auth = make_auth(make_app, JWT_SECRET=JWT_SECRET, JWT_ISSUER="surge-tests", JWT_AUDIENCE="api")
    good = auth.create_jwt_token({"sub": "1"})
    assert auth.validate_jwt_token(good) is not None
    assert jwt.decode(good, options={"verify_signature": False})["iss"] == "surge-tests"
    for payload in (
        claims(iss="someone-else", aud="api"),
        claims(iss="surge-tests", aud="other-api"),
        claims(aud="api"),
        claims(iss="surge-tests"),
    ):
        assert auth.validate_jwt_token(jwt.encode(payload, JWT_SECRET, algorithm="HS256")) is None


def test_token_for_an_audience_is_refused_when_none_is_configured(make_app: Any) -> None:
    auth = make_auth(make_app, JWT_SECRET=JWT_SECRET)
    assert auth.validate_jwt_token(jwt.encode(claims(), JWT_SECRET, algorithm="HS256")) is not None
    assert auth.validate_jwt_token(jwt.encode(claims(aud="other"), JWT_SECRET, algorithm="HS256")) is None


def test_alg_none_is_refused(make_app: Any) -> None:
    auth = make_auth(make_app, JWT_SECRET=JWT_SECRET)
    for alg in ("none", "None", "NONE"):
        assert auth.validate_jwt_token(handmade_token({"alg": alg, "typ": "JWT"}, claims(), None)) is None


def test_forged_signature_is_refused(make_app: Any) -> None:
    auth = make_auth(make_app, JWT_SECRET=JWT_SECRET)
    genuine = auth.create_jwt_token({"sub": "1"})
    forged = handmade_token({"alg": "HS256", "typ": "JWT"}, claims(sub="1", roles=["admin"]), b"guessed-secret")
    header, payload, signature = genuine.split(".")
    tampered_payload = b64(json.dumps(claims(sub="2")).encode())
    assert auth.validate_jwt_token(forged) is None
    assert auth.validate_jwt_token(f"{header}.{tampered_payload}.{signature}") is None
    assert auth.validate_jwt_token("not-a-jwt") is None
    assert auth.validate_jwt_token("") is None
    assert auth.validate_jwt_token(None) is None


def test_other_algorithm_than_the_configured_one_is_refused(make_app: Any) -> None:
    auth = make_auth(make_app, JWT_SECRET=JWT_SECRET)
    hs512 = jwt.encode(claims(), JWT_SECRET + JWT_SECRET, algorithm="HS512")
    assert auth.validate_jwt_token(hs512) is None


def test_short_jwt_secret_is_refused_at_startup(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="AUTHENTICATION.JWT_SECRET"):
        make_auth(make_app, JWT_SECRET="short")


def test_short_secret_key_still_gives_a_full_length_hmac_key(make_app: Any) -> None:
    auth = Auth()
    make_app(extensions=[auth], SECRET_KEY="seed-example-secret")
    assert auth.validate_jwt_token(auth.create_jwt_token({"sub": "1"})) is not None


# -- asymmetric keys -------------------------------------------------------------------------------


def pem_pair(private_key: Any) -> tuple[str, str]:
    private = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    return pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def ec_keys() -> tuple[str, str]:
    return pem_pair(ec.generate_private_key(ec.SECP256R1()))


def test_rs256_with_inline_pem_keys(make_app: Any, rsa_keys: tuple[str, str]) -> None:
    private, public = rsa_keys
    auth = make_auth(make_app, JWT_ALGORITHM="RS256", JWT_PRIVATE_KEY=private)
    token = auth.create_jwt_token({"sub": "7"})
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert jwt.decode(token, public, algorithms=["RS256"])["sub"] == "7"  # any service with the public key
    assert auth.validate_jwt_token(token) is not None


def test_es256_with_key_files(make_app: Any, ec_keys: tuple[str, str], tmp_path: Path) -> None:
    private, public = ec_keys
    (tmp_path / "private.pem").write_text(private)
    (tmp_path / "public.pem").write_text(public)
    signer = Auth()
    make_app(
        extensions=[signer],
        BASE_PATH=str(tmp_path),
        AUTHENTICATION={"JWT_ALGORITHM": "ES256", "JWT_PRIVATE_KEY": "private.pem"},
    )
    verifier = make_auth(make_app, JWT_ALGORITHM="ES256", JWT_PUBLIC_KEY=str(tmp_path / "public.pem"))
    token = signer.create_jwt_token({"sub": "9"})
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    assert verifier.validate_jwt_token(token) is not None
    with pytest.raises(RuntimeError, match="JWT_PRIVATE_KEY"):
        verifier.create_jwt_token({"sub": "9"})  # a public key verifies, it cannot sign


def test_algorithm_confusion_is_refused(make_app: Any, rsa_keys: tuple[str, str]) -> None:
    """The classic attack: an HS256 token whose HMAC key is the server's (public) RSA key."""
    private, public = rsa_keys
    auth = make_auth(make_app, JWT_ALGORITHM="RS256", JWT_PUBLIC_KEY=public)
    for key in (public.encode(), public.strip().encode()):
        assert auth.validate_jwt_token(handmade_token({"alg": "HS256", "typ": "JWT"}, claims(), key)) is None
    assert auth.validate_jwt_token(handmade_token({"alg": "none"}, claims(), None)) is None


def test_a_token_signed_by_another_key_is_refused(make_app: Any, rsa_keys: tuple[str, str]) -> None:
    _, public = rsa_keys
    other_private, _ = pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    auth = make_auth(make_app, JWT_ALGORITHM="RS256", JWT_PUBLIC_KEY=public)
    assert auth.validate_jwt_token(jwt.encode(claims(), other_private, algorithm="RS256")) is None


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"JWT_ALGORITHM": "RS256"}, "AUTHENTICATION.JWT_PUBLIC_KEY"),
        ({"JWT_ALGORITHM": "RS256", "JWT_PUBLIC_KEY": "missing.pem"}, "AUTHENTICATION.JWT_PUBLIC_KEY"),
        ({"JWT_ALGORITHM": "ES256", "JWT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----"}, "AUTHENTICATION.JWT_PRIVATE_KEY"),
    ],
)
def test_bad_keys_fail_at_startup_naming_the_key(make_app: Any, tmp_path: Path, section: dict[str, Any], named: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=named):
        make_app(extensions=[Auth()], BASE_PATH=str(tmp_path), AUTHENTICATION=section)


def test_rsa_key_given_for_es256_is_refused(make_app: Any, rsa_keys: tuple[str, str]) -> None:
    private, _ = rsa_keys
    with pytest.raises(ImproperlyConfigured, match="AUTHENTICATION.JWT_PRIVATE_KEY"):
        make_auth(make_app, JWT_ALGORITHM="ES256", JWT_PRIVATE_KEY=private)
