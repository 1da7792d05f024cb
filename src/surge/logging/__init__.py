"""Logging with loguru: the default sink and custom sinks (``LoggerBase``)."""

from surge.logging.base import LoggerBase
from surge.logging.config import DEFAULT_FORMAT, LoggerConfig
from surge.logging.setup import configure_default_logger

__all__ = ["DEFAULT_FORMAT", "LoggerBase", "LoggerConfig", "configure_default_logger"]
