"""Small text helpers shared across layers."""

from __future__ import annotations

import re

__all__ = ["to_upper_snake"]

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def to_upper_snake(name: str) -> str:
    """``SqlDatabase`` -> ``SQL_DATABASE`` (a class name -> its config section)."""
    return _WORD_BOUNDARY.sub("_", name).upper()
