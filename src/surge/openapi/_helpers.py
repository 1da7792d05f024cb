"""Small pure helpers of the OpenAPI generator (status phrases, JSON defaults, docstrings, merging)."""

from __future__ import annotations

import inspect
from http import HTTPStatus
from typing import Any

import orjson

__all__ = ["_json_default", "_merge", "_phrase", "_split_docstring"]


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Response"


def _json_default(value: object) -> tuple[bool, Any]:
    """``(True, json_value)`` when ``value`` can be written in the document."""
    try:
        return True, orjson.loads(orjson.dumps(value))
    except TypeError:
        return False, None


def _split_docstring(func: object) -> tuple[str | None, str | None]:
    doc = inspect.getdoc(func)
    if not doc:
        return None, None
    first, _, rest = doc.partition("\n\n")
    return " ".join(first.split()), rest.strip() or None


def _merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
    """Deep-merge ``extra`` into ``target`` (dicts merge, everything else replaces)."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value
