"""Shared fixtures: real services on 127.0.0.1, skipped (or failed under CI) when absent."""

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


@pytest.fixture
def postgres_url() -> str:
    """URL of the test PostgreSQL database (skips when PostgreSQL is down)."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    return POSTGRES_URL


@pytest.fixture
def redis_url() -> str:
    """URL of the test Redis (skips when Redis is down)."""
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL


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
