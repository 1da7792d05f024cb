"""Packaging of `surge.auth` and `surge.security`: the seed's imports work; missing extras are named."""

from __future__ import annotations

import sys
from typing import Any

import pytest


def test_seed_names_are_importable() -> None:
    from surge.auth import (  # noqa: F401
        Authentication,
        AuthenticationException,
        UnauthorizedException,
        login_required,
        role_required,
    )


@pytest.mark.parametrize(
    ("module", "package", "extra"),
    [("itsdangerous", "itsdangerous", "auth"), ("jwt", "pyjwt[crypto]", "auth"), ("redis.asyncio", "redis", "redis")],
)
def test_missing_optional_dependency_names_the_extra(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, module: str, package: str, extra: str
) -> None:
    """Simulated by hiding the module: the packages are installed here, as the dev extra requires."""
    from surge.auth import BearerTokenAuthentication
    from surge.exceptions import MissingDependency
    from surge.security import Sessions

    monkeypatch.setitem(sys.modules, module, None)
    extensions: dict[str, Any] = {
        "itsdangerous": Sessions(),
        "jwt": BearerTokenAuthentication(),
        "redis.asyncio": Sessions(),
    }
    config = {"SESSIONS": {"BACKEND": "redis", "REDIS_URL": "redis://127.0.0.1:6379/0"}} if module == "redis.asyncio" else {}
    with pytest.raises(MissingDependency, match=rf'surge\[{extra}\]') as caught:
        make_app(extensions=[extensions[module]], **config)
    assert caught.value.package == package
