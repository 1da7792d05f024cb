"""Custom logger sinks registered through ``LOGGERS``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loguru import logger

from surge.extension import to_upper_snake
from surge.logging.setup import DEFAULT_FORMAT, _stream

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["LoggerBase"]

_FILE_ONLY = {
    "ROTATION": "rotation",
    "RETENTION": "retention",
    "COMPRESSION": "compression",
    "DELAY": "delay",
    "MODE": "mode",
    "ENCODING": "encoding",
}


class LoggerBase:
    """A loguru sink configured by the app config section named after the class.

    ``FileLogger`` reads ``FILE_LOGGER = {"SINK": ..., "LEVEL": ..., ...}``. Override
    :meth:`get_format` and :meth:`get_filter` for custom output or filtering.
    """

    def __init__(self, app: Surge) -> None:
        self.app = app
        self.configs_name = to_upper_snake(type(self).__name__)
        self.config: dict[str, Any] = dict(app.get_conf(self.configs_name, {}) or {})
        self.sink_id: int | None = None

    def get_conf_value(self, key: str, default: Any = None) -> Any:
        """One key of this logger's config section."""
        return self.config.get(key, default)

    def get_format(self) -> Any:
        """The loguru format string (or callable) of this sink."""
        return self.get_conf_value("FORMAT", DEFAULT_FORMAT)

    def get_filter(self) -> Any:
        """A loguru filter (callable taking the record) or None for no filtering."""
        return None

    def get_sink(self) -> Any:
        """Where records go: a path, ``"STDERR"``/``"STDOUT"``, or any loguru sink."""
        return _stream(self.get_conf_value("SINK", "STDERR"))

    def add(self) -> int:
        """Add the sink to loguru; returns its id."""
        sink = self.get_sink()
        level = self.get_conf_value("LEVEL", "TRACE")
        options: dict[str, Any] = {
            "level": str(getattr(level, "value", level)),
            "format": self.get_format(),
            "filter": self.get_filter(),
            "enqueue": self.get_conf_value("ENQUEUE", False),
            "backtrace": self.get_conf_value("BACKTRACE", True),
            "diagnose": self.get_conf_value("DIAGNOSE", True),
            "colorize": self.get_conf_value("COLORIZE", None),
            "serialize": self.get_conf_value("SERIALIZE", False),
        }
        if isinstance(sink, str) or hasattr(sink, "__fspath__"):
            for key, option in _FILE_ONLY.items():
                value = self.get_conf_value(key)
                if value is not None:
                    options[option] = value
            if options["colorize"] is None:
                options["colorize"] = False
        self.sink_id = logger.add(sink, **options)
        return self.sink_id

    async def remove(self) -> None:
        """Remove the sink, waiting for queued records (no leaked semaphores with ENQUEUE)."""
        if self.sink_id is not None:
            sink_id, self.sink_id = self.sink_id, None
            try:
                logger.remove(sink_id)
            except ValueError:
                pass
            if self.get_conf_value("ENQUEUE", False):
                await logger.complete()
