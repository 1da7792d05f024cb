"""The default loguru sink, configured from ``DEFAULT_LOGGER``."""

from __future__ import annotations

import sys
from typing import Any

from loguru import logger

__all__ = ["DEFAULT_FORMAT", "configure_default_logger"]

DEFAULT_FORMAT = (
    "<green>{time:HH:mm:ss}</green> | <level>{level}</level> | {extra[logger_name]} | <level>{message}</level>"
)

_default_sink_id: int | None = None


def _stream(sink: Any) -> Any:
    if sink in (None, "STDERR", "stderr"):
        return sys.stderr
    if sink in ("STDOUT", "stdout"):
        return sys.stdout
    return sink


def configure_default_logger(settings: dict[str, Any], app_name: str) -> Any:
    """Replace loguru's default sink with one configured by ``settings``; return the app logger.

    loguru's logger is process-global, so the default sink is replaced, never duplicated, when
    several apps start in one process.
    """
    global _default_sink_id
    if _default_sink_id is None:
        try:
            logger.remove(0)
        except ValueError:
            pass
    else:
        try:
            logger.remove(_default_sink_id)
        except ValueError:
            pass
    level = settings.get("LEVEL", "TRACE")
    _default_sink_id = logger.add(
        _stream(settings.get("SINK")),
        level=str(getattr(level, "value", level)),
        format=settings.get("FORMAT", DEFAULT_FORMAT),
        backtrace=settings.get("BACKTRACE", True),
        diagnose=settings.get("DIAGNOSE", True),
        colorize=settings.get("COLORIZE", True),
        serialize=settings.get("SERIALIZE", False),
        enqueue=settings.get("ENQUEUE", False),
    )
    logger.configure(extra={"logger_name": app_name})
    return logger.bind(logger_name=app_name)
