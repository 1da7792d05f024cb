"""``surge.logging.logger_config_base``: PyJolt's logging vocabulary at PyJolt's module path.

The sink and option types describe what a logger section (``SINK``, ``ROTATION``, ...)
accepts; :class:`LoggerBase` and :class:`LoggerConfig` are Surge's (:mod:`surge.logging`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from surge.config import LogLevel
from surge.logging.base import LoggerBase
from surge.logging.config import LoggerConfig

__all__ = [
    "CompressionType",
    "FilterType",
    "LogLevel",
    "LoggerBase",
    "LoggerConfig",
    "OutputSink",
    "RetentionType",
    "RotationType",
    "SinkAccepted",
    "SinkInput",
    "SinkType",
    "Writable",
]


@runtime_checkable
class Writable(Protocol):
    """Anything with ``write(text)``: loguru accepts it as a sink."""

    def write(self, s: str) -> Any: ...


class OutputSink(StrEnum):
    """The console sinks a logger section's ``SINK`` may name."""

    STDERR = "STDERR"
    STDOUT = "STDOUT"


SinkType = str | Path | IO[str] | IO[bytes] | Callable[[str], Any]
"""A sink as written in a config section: a name, a path, a stream or a function."""
SinkInput = str | Path | IO[str] | IO[bytes] | Callable[[str], Any] | Writable
"""Any sink a logger may return from ``get_sink``."""
SinkAccepted = str | Writable | Callable[[str], None]
"""A sink once resolved, as loguru receives it."""
RotationType = str | int | timedelta | Callable[[str, Any], Any]
"""When a log file is rotated: ``"5 MB"``, ``"00:00"``, a size in bytes, an interval or a predicate."""
RetentionType = str | int | timedelta | Callable[[str, Any], Any]
"""How long rotated files are kept: ``"10 days"``, a count of files, an interval or a function."""
CompressionType = str | None
"""The format rotated files are compressed to (``"zip"``, ``"gz"``, ...), or None."""
FilterType = str | dict[str, str] | Callable[[dict[str, Any]], bool] | None
"""Which records a sink takes: a module name, a level per module, or a predicate."""
