"""Errors raised at startup when the application is set up wrongly."""

from __future__ import annotations

from surge.exceptions.base import SurgeError

__all__ = ["ImproperlyConfigured", "MissingDependency"]


class ImproperlyConfigured(SurgeError):
    """A config key, import string, route or handler is wrong; the message names it."""


class MissingDependency(ImproperlyConfigured):
    """An optional package is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package!r} is not installed. Install it with: pip install \"surge[{extra}]\"")
        self.package = package
        self.extra = extra
