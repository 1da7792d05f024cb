"""Fixtures of the security tests: an app factory taking extension and controller objects."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from surge import BaseConfig, Surge

SECRET = "security-tests-secret-key-0123456789abcdef"


def build_app(
    *,
    extensions: Iterable[Any] = (),
    controllers: Iterable[type] = (),
    handlers: Iterable[type] = (),
    **config: Any,
) -> Surge:
    """An app with ``config`` keys, then ``extensions`` (in order), handlers and controllers."""
    config.setdefault("SECRET_KEY", SECRET)
    config.setdefault("DEBUG", True)
    config.setdefault("ACCESS_LOG", False)
    app = Surge(configs=BaseConfig(**config))
    for extension in extensions:
        app.add_extension(extension)
    for handler in handlers:
        app.add_exception_handler(handler)
    for controller in controllers:
        app.register_controller(controller)
    return app


@pytest.fixture
def make_app() -> Callable[..., Surge]:
    """The :func:`build_app` factory."""
    return build_app


@pytest.fixture
def redis_prefix(redis_url: str) -> str:
    """A key prefix unique to one test, so tests sharing the Redis server never collide."""
    return f"surge-test:{uuid.uuid4().hex}:"


def set_client_cookie(client: Any, name: str, value: str) -> None:
    """Replace the client's cookie ``name`` (as a browser would hold it for the test host)."""
    client.cookies.delete(name)
    client.cookies.set(name, value, domain="testserver.local")


@pytest.fixture
def plant_cookie() -> Callable[[Any, str, str], None]:
    """The :func:`set_client_cookie` helper: what an attacker (or a test) puts in a browser."""
    return set_client_cookie
