"""A loguru sink that keeps the latest records in memory (for a dashboard or a health page)."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

__all__ = ["InMemoryLogBuffer"]

_SEVERE = frozenset({"ERROR", "CRITICAL", "FATAL"})


class InMemoryLogBuffer:
    """Keeps the last ``maxlen`` records, and separately the last ``maxlen`` errors.

    Add it as a sink (``logger.add(buffer)``); memory stays bounded, and a lock makes it safe
    to call from the threads loguru's ``enqueue`` uses.
    """

    def __init__(self, maxlen: int = 1000) -> None:
        self._records: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._severe: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def __call__(self, message: Any) -> None:
        """Store one loguru message (a sink receives the formatted message; its ``record`` is read)."""
        record = message.record
        entry = {
            "time": record["time"].isoformat(),
            "level": record["level"].name,
            "message": record["message"],
            "logger_name": record["extra"].get("logger_name"),
            "file": record["file"].name,
            "line": record["line"],
            "name": record["name"],
            "function": record["function"],
        }
        with self._lock:
            self._records.append(entry)
            if entry["level"] in _SEVERE:
                self._severe.append(entry)

    def get_last(self, n: int = 100) -> list[dict[str, Any]]:
        """The last ``n`` records, oldest first."""
        with self._lock:
            return list(self._records)[-n:] if n > 0 else []

    def get_all(self) -> list[dict[str, Any]]:
        """Every record held, oldest first."""
        with self._lock:
            return list(self._records)

    def get_last_severe(self, n: int = 100) -> list[dict[str, Any]]:
        """The last ``n`` ERROR/CRITICAL records, oldest first."""
        with self._lock:
            return list(self._severe)[-n:] if n > 0 else []

    def get_severe(self) -> list[dict[str, Any]]:
        """Every ERROR/CRITICAL record held, oldest first."""
        with self._lock:
            return list(self._severe)
