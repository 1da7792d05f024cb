"""Scale-out tests: several processes (or apps) sharing one real Redis.

Skipped without Redis, failed under SURGE_REQUIRE_SERVICES=1 (the ``redis_url`` fixture).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis


@pytest.fixture
def scale_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix (and channel name) for one test; its keys are deleted afterwards."""
    prefix = f"surge-scale-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
