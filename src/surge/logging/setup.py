"""The default loguru sink, configured from ``DEFAULT_LOGGER``."""

from __future__ import annotations

from typing import Any

from loguru import logger

from surge.logging.config import DEFAULT_FORMAT, LoggerConfig, add_sink

__all__ = ["DEFAULT_FORMAT", "configure_default_logger"]

_default_sink_id: int | None = None


def configure_default_logger(settings: dict[str, Any], app_name: str, debug: bool = False) -> Any:
    """Replace loguru's default sink with one configured by ``settings``; return the app logger.

    loguru's logger is process-global, so the default sink is replaced, never duplicated, when
    several apps start in one process. ``COLORIZE`` defaults to true here, as the seed says.
    Local variable values (loguru's ``diagnose``) appear in tracebacks only when ``debug``.

    Raises:
        ImproperlyConfigured: a key of ``DEFAULT_LOGGER`` is unknown or invalid.
    """
    global _default_sink_id
    config = LoggerConfig.from_section("DEFAULT_LOGGER", settings, debug=debug, COLORIZE=True)
    previous = 0 if _default_sink_id is None else _default_sink_id
    try:
        logger.remove(previous)
    except ValueError:
        pass
    _default_sink_id = None
    logger.configure(extra={"logger_name": app_name})
    _default_sink_id = add_sink("DEFAULT_LOGGER", config, config.FORMAT, None)
    return logger.bind(logger_name=app_name)
