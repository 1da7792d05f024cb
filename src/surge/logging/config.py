"""One logger section (``DEFAULT_LOGGER``, ``FILE_LOGGER``, ...), validated, as loguru options.

Validating the section at startup turns a typo (``"LEVLE"``) or a bad value into an
:class:`ImproperlyConfigured` that names ``SECTION.KEY``, instead of a sink that silently
logs with defaults or a loguru error at the first message.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

from loguru import logger
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from surge.exceptions.config import ImproperlyConfigured, config_problems

__all__ = [
    "DEFAULT_FORMAT",
    "Filter",
    "Format",
    "LoggerConfig",
    "Sink",
    "add_sink",
    "is_file_sink",
    "resolve_sink",
    "sink_options",
    "wants_colour",
]

DEFAULT_FORMAT = (
    "<green>{time:HH:mm:ss}</green> | <level>{level}</level> | {extra[logger_name]} | <level>{message}</level>"
)

Sink = str | os.PathLike[str] | object
"""Where records go: a path, a stream, a callable or a logging handler (as loguru takes them)."""
Format = str | Callable[..., str]
"""A loguru format string, or a function returning one per record."""
Filter = str | Callable[..., bool] | dict[str | None, str | int | bool] | None
"""A loguru filter: a module name, a predicate, or a level-per-module dict."""

_FILES = re.compile(r"^\s*(\d+)\s*files?\s*$", re.IGNORECASE)


class LoggerConfig(BaseModel):
    """The keys of a logger section; any other key is a configuration error.

    ``ROTATION``, ``RETENTION``, ``COMPRESSION``, ``DELAY``, ``MODE`` and ``ENCODING`` apply to
    file sinks only (console sinks ignore them). ``BACKTRACE`` and ``DIAGNOSE`` (which prints
    the values of local variables in a traceback: passwords, tokens, personal data) take effect
    only with ``DEBUG`` on; with it off every sink logs plain tracebacks.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    SINK: Any = "STDERR"
    LEVEL: str | int = "TRACE"
    FORMAT: str | Callable[..., Any] = DEFAULT_FORMAT
    ENQUEUE: bool = False
    BACKTRACE: bool = True
    DIAGNOSE: bool = True
    COLORIZE: bool | None = None
    SERIALIZE: bool = False
    DELAY: bool = True
    ROTATION: str | int | time | timedelta | Callable[..., Any] | None = None
    RETENTION: str | int | timedelta | Callable[..., Any] | None = None
    COMPRESSION: str | Callable[..., Any] | None = None
    ENCODING: str = "utf-8"
    MODE: str = "a"

    @field_validator("LEVEL", mode="before")
    @classmethod
    def _level_name(cls, value: object) -> object:
        value = getattr(value, "value", value)  # LogLevel members
        return value.upper() if isinstance(value, str) else value

    @field_validator("RETENTION", mode="before")
    @classmethod
    def _retention_files(cls, value: object) -> object:
        # The seed writes RETENTION = "5 files"; loguru spells a file count as the int 5.
        if isinstance(value, str):
            found = _FILES.match(value)
            if found:
                return int(found.group(1))
        return value

    @classmethod
    def from_section(cls, section: str, raw: object, *, debug: bool = False, **defaults: object) -> LoggerConfig:
        """Validate the dict ``raw`` of config section ``section``; ``debug`` is the app's ``DEBUG``.

        Without ``debug``, ``BACKTRACE`` and ``DIAGNOSE`` are turned off whatever the section says:
        a traceback in a production log never carries local variable values.

        Raises:
            ImproperlyConfigured: ``raw`` is not a dict, or a key is unknown or invalid;
                the message names ``SECTION.KEY``.
        """
        if raw is None:
            raw = {}
        if isinstance(raw, BaseModel):
            raw = raw.model_dump()
        if not isinstance(raw, dict):
            raise ImproperlyConfigured(f"{section} must be a dict of logger settings, got {type(raw).__name__}")
        try:
            config = cls.model_validate({**defaults, **raw})
        except ValidationError as exc:
            raise ImproperlyConfigured(f"Invalid logger configuration: {config_problems(exc, section)}") from None
        if not debug:
            config = config.model_copy(update={"BACKTRACE": False, "DIAGNOSE": False})
        return config


def resolve_sink(sink: Sink | None) -> Sink:
    """``"STDERR"``/``"STDOUT"`` (any case) to the stream; paths and other sinks unchanged."""
    if sink is None or (isinstance(sink, str) and sink.upper() == "STDERR"):
        return sys.stderr
    if isinstance(sink, str) and sink.upper() == "STDOUT":
        return sys.stdout
    return sink


def is_file_sink(sink: Sink | None) -> bool:
    """True for a path (str or path-like): the sinks that take the file-only options."""
    return isinstance(sink, str | os.PathLike)


def wants_colour(colorize: bool | None, sink: Sink) -> bool:
    """Whether a sink gets ANSI colours: only a terminal does.

    ``COLORIZE`` (true by default, as the seed says) means "colour on a terminal": escape codes
    in a file, a pipe, a container log or a callable sink corrupt what reads them. ``NO_COLOR``
    in the environment turns colours off everywhere; ``FORCE_COLOR`` forces them on for
    streams and callables (a CI log viewer that renders them), never for files.
    """
    if colorize is False or os.environ.get("NO_COLOR") or is_file_sink(sink):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(sink, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


def sink_options(config: LoggerConfig, fmt: Format, log_filter: Filter, sink: Sink) -> dict[str, Any]:
    """Keyword arguments for ``loguru.logger.add(sink, ...)`` from a validated section."""
    options: dict[str, Any] = {  # loguru takes a different type per option
        "level": config.LEVEL,
        "format": fmt,
        "filter": log_filter,
        "enqueue": config.ENQUEUE,
        "backtrace": config.BACKTRACE,
        "diagnose": config.DIAGNOSE,
        "colorize": config.COLORIZE,
        "serialize": config.SERIALIZE,
    }
    options["colorize"] = wants_colour(config.COLORIZE, sink)
    if is_file_sink(sink):
        options.update(delay=config.DELAY, encoding=config.ENCODING, mode=config.MODE)
        for key, value in (
            ("rotation", config.ROTATION),
            ("retention", config.RETENTION),
            ("compression", config.COMPRESSION),
        ):
            if value is not None:
                options[key] = value
    return options


def add_sink(section: str, config: LoggerConfig, fmt: Format, log_filter: Filter, sink: Sink | None = None) -> int:
    """Add the sink of a validated section (or ``sink`` when given) to loguru; returns its id.

    Raises:
        ImproperlyConfigured: loguru refused a value (unknown level, bad rotation...), naming
            the section.
    """
    try:
        target: Any = resolve_sink(config.SINK if sink is None else sink)  # loguru checks the sink kind itself
        return logger.add(target, **sink_options(config, fmt, log_filter, target))
    except (TypeError, ValueError, OSError) as exc:
        raise ImproperlyConfigured(f"Invalid logger configuration in {section}: {exc}") from exc
