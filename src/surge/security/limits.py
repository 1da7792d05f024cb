"""Rate limit expressions: ``"10/minute"``, ``"5 per second"``, ``"100/15 minutes"``."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Limit", "parse_limit"]

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_PATTERN = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``amount`` hits per ``window`` seconds (counted by the limiter's ``STRATEGY``)."""

    amount: int
    window: int
    text: str

    @property
    def policy(self) -> str:
        """This limit as a ``RateLimit-Policy`` item (``10;w=60``)."""
        return f"{self.amount};w={self.window}"


def parse_limit(text: str) -> Limit:
    """Parse one expression.

    Raises:
        ValueError: not ``<amount>/<unit>`` or ``<amount>/<count> <unit>s`` with a unit of
            second, minute, hour or day, or a zero amount.
    """
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"Invalid rate limit {text!r}: expected e.g. '10/minute' or '100/15 minutes'")
    amount = int(match.group(1))
    count = int(match.group(2) or 1)
    if amount < 1 or count < 1:
        raise ValueError(f"Invalid rate limit {text!r}: amount and period must be positive")
    return Limit(amount, count * _UNITS[match.group(3).lower()], text.strip())
