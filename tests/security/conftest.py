"""Fixtures of the security tests: ``make_app``, ``redis_prefix``, ``plant_cookie`` (from surge_testkit)."""

from typing import Any

import pytest

from surge_testkit import app_factory, plant_cookie, redis_prefix

__all__ = ["app_factory", "plant_cookie", "redis_prefix", "redis_section"]


@pytest.fixture
def redis_section(redis_url: str, redis_prefix: str) -> dict[str, Any]:
    """The config section of a store on the real Redis server, keys under a prefix unique to the test."""
    return {"BACKEND": "redis", "REDIS_URL": redis_url, "KEY_PREFIX": redis_prefix}
