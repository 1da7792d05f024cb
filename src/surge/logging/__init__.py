"""Logging with loguru: the default sink and custom sinks (``LoggerBase``)."""

from surge.logging.base import LoggerBase
from surge.logging.setup import configure_default_logger

__all__ = ["LoggerBase", "configure_default_logger"]
