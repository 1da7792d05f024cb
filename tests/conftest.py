"""Shared fixtures: real services on 127.0.0.1, skipped (or failed under CI) when absent.

Helpers (make_app, free_port, require_service) live in ``surge_testkit``; import them from there.
"""

from __future__ import annotations

import pytest

from surge_testkit import POSTGRES_URL, REDIS_URL, require_service


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
