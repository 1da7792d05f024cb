"""Custom logger sinks registered through ``LOGGERS``."""

from __future__ import annotations

from typing import Any

from loguru import logger

from surge._text import to_upper_snake
from surge.logging.config import LoggerConfig, add_sink, resolve_sink
from surge.types import AppContext

__all__ = ["LoggerBase"]


class LoggerBase:
    """A loguru sink configured by the app config section named after the class.

    ``FileLogger`` reads ``FILE_LOGGER = {"SINK": ..., "LEVEL": ..., ...}`` (keys: SINK, LEVEL,
    FORMAT, ENQUEUE, BACKTRACE, DIAGNOSE, COLORIZE, DELAY, ROTATION, RETENTION, COMPRESSION,
    SERIALIZE, ENCODING, MODE). Override :meth:`get_format` and :meth:`get_filter` for custom
    output or filtering. The app adds the sink when the logger is registered and removes it at
    shutdown, waiting for queued records so ``ENQUEUE=True`` leaks no semaphore.

    Raises:
        ImproperlyConfigured: (at registration) a key of the section is unknown or invalid.
    """

    configs_name: str

    def __init__(self, app: AppContext, configs_name: str | None = None) -> None:
        self.app = app
        self.configs_name = configs_name or getattr(type(self), "configs_name", None) or to_upper_snake(
            type(self).__name__
        )
        raw = app.get_conf(self.configs_name, None)
        self.settings = LoggerConfig.from_section(self.configs_name, raw, debug=bool(app.get_conf("DEBUG", False)))
        self.config: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
        self.sink_id: int | None = None

    def get_conf_value(self, key: str, default: Any = None) -> Any:
        """One key of this logger's config section as written (``default`` when absent)."""
        return self.config.get(key, default)

    def get_format(self) -> Any:
        """The loguru format string (or callable) of this sink."""
        return self.settings.FORMAT

    def get_filter(self) -> Any:
        """A loguru filter (callable taking the record) or None for no filtering."""
        return None

    def get_sink(self) -> Any:
        """Where records go: a path, ``"STDERR"``/``"STDOUT"``, or any loguru sink."""
        return resolve_sink(self.settings.SINK)

    def add(self) -> int:
        """Add the sink to loguru (once); returns its id."""
        if self.sink_id is None:
            self.sink_id = add_sink(
                self.configs_name, self.settings, self.get_format(), self.get_filter(), self.get_sink()
            )
        return self.sink_id

    async def remove(self) -> None:
        """Remove the sink, waiting for queued records (no leaked semaphores with ENQUEUE)."""
        if self.sink_id is None:
            return
        sink_id, self.sink_id = self.sink_id, None
        if self.settings.ENQUEUE:
            await logger.complete()
        try:
            logger.remove(sink_id)
        except ValueError:
            pass
