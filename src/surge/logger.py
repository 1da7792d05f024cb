"""``surge.logger``: PyJolt's module path for its default logger class."""

from __future__ import annotations

from surge.logging.base import LoggerBase

__all__ = ["DefaultLogger"]


class DefaultLogger(LoggerBase):
    """A :class:`LoggerBase` reading the ``DEFAULT_LOGGER`` section (a sink of its own when listed in ``LOGGERS``)."""
