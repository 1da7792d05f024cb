"""Password hashes, as the seed's auth helpers."""

from __future__ import annotations

from typing import Any

import bcrypt
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


def test_password_hash_is_argon2id(auth: Auth) -> None:
    hashed = auth.create_password_hash("correct horse")
    assert hashed.startswith("$argon2id$")
    assert auth.check_password_hash("correct horse", hashed)
    assert not auth.check_password_hash("wrong horse", hashed)
    assert auth.create_password_hash("correct horse") != hashed  # salted
    assert not auth.password_needs_rehash(hashed)


def test_bcrypt_hashes_still_verify_and_need_rehash(auth: Auth) -> None:
    legacy = bcrypt.hashpw(b"old password", bcrypt.gensalt(rounds=4)).decode()
    assert auth.check_password_hash("old password", legacy)
    assert not auth.check_password_hash("other", legacy)
    assert auth.password_needs_rehash(legacy)


def test_malformed_or_missing_hash_never_matches(auth: Auth) -> None:
    assert not auth.check_password_hash("x", "not-a-hash")
    assert not auth.check_password_hash("x", None)
    assert not auth.check_password_hash("x", "")


async def test_async_variants(auth: Auth) -> None:
    hashed = await auth.create_password_hash_async("pw")
    assert await auth.check_password_hash_async("pw", hashed)
    assert not await auth.check_password_hash_async("nope", hashed)
