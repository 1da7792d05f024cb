"""Test helpers shared by every test module: ``from surge_testkit import make_app, ...``.

(A uniquely named module: ``from surge_testkit import ...`` is ambiguous once subfolders have their
own conftest.py.)
"""

from __future__ import annotations

import os
import socket

import pytest

REQUIRE_SERVICES = os.environ.get("SURGE_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("SURGE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SURGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip the test when the service is down, or fail when SURGE_REQUIRE_SERVICES=1."""
    if port_open(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (SURGE_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_app(*controllers: type, **settings: object) -> object:
    """A Surge app with ``controllers`` registered and config ``settings`` (DEBUG off by default)."""
    from surge import BaseConfig, Surge

    settings.setdefault("DEBUG", False)
    settings.setdefault("BASE_PATH", os.path.dirname(__file__))
    application = Surge(__name__, configs=BaseConfig(**settings))  # type: ignore[arg-type]
    for controller in controllers:
        application.register_controller(controller)  # type: ignore[arg-type]
    return application
