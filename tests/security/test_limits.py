"""Rate limit expressions: ``"10/minute"``, ``"5 per second"``, ``"100/15 minutes"``."""

import pytest

from surge.security import parse_limit


def test_limit_expressions() -> None:
    assert parse_limit("10/minute").window == 60
    assert parse_limit("5 per second").amount == 5
    assert parse_limit("100/15 minutes").window == 900
    assert parse_limit("1000/day").window == 86400
    for bad in ("10", "ten/minute", "10/fortnight", "0/minute", ""):
        with pytest.raises(ValueError, match="Invalid rate limit"):
            parse_limit(bad)
