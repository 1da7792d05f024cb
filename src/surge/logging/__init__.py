"""Logging with loguru: the default sink and custom sinks (``LoggerBase``)."""

from surge.logging.access import access_line, escape_control
from surge.logging.base import LoggerBase
from surge.logging.config import DEFAULT_FORMAT, LoggerConfig
from surge.logging.inmemory_buffer import InMemoryLogBuffer
from surge.logging.logger_config_base import (
    CompressionType,
    FilterType,
    LogLevel,
    OutputSink,
    RetentionType,
    RotationType,
    SinkAccepted,
    SinkInput,
    SinkType,
    Writable,
)
from surge.logging.setup import configure_default_logger

__all__ = [
    "CompressionType",
    "DEFAULT_FORMAT",
    "FilterType",
    "InMemoryLogBuffer",
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
    "access_line",
    "configure_default_logger",
    "escape_control",
]
