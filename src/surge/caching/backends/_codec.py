"""Serialize cache values for backends that store bytes (SQLite, Redis).

JSON rather than pickle: a shared Redis must never be a way to run code in the app. Bytes
values (response bodies) travel as ``{"__bytes__": "<base64>"}``.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

__all__ = ["decode_value", "encode_value"]

_BYTES_TAG = "__bytes__"


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {_BYTES_TAG: base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"Cannot cache a value of type {type(value).__name__}")


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and _BYTES_TAG in value:
            return base64.b64decode(value[_BYTES_TAG])
        return {key: _restore(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_restore(item) for item in value]
    return value


def encode_value(value: dict[str, Any]) -> bytes:
    """``value`` as bytes (JSON; bytes inside it base64-encoded).

    Raises:
        TypeError: ``value`` holds something JSON cannot represent.
    """
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS)


def decode_value(data: bytes | str) -> dict[str, Any]:
    """The dict that :func:`encode_value` encoded."""
    restored = _restore(orjson.loads(data))
    if not isinstance(restored, dict):
        raise ValueError("Cached value is not a dict")
    return restored
