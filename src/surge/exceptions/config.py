"""Errors raised at startup when the application is set up wrongly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surge.exceptions.base import SurgeError

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["ImproperlyConfigured", "MissingDependency", "config_problems"]


class ImproperlyConfigured(SurgeError):
    """A config key, import string, route or handler is wrong; the message names it."""


class MissingDependency(ImproperlyConfigured):
    """An optional package is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package!r} is not installed. Install it with: pip install \"surge[{extra}]\"")
        self.package = package
        self.extra = extra


def config_problems(exc: ValidationError, section: str = "") -> str:
    """``SECTION.KEY: what is wrong`` for every error of a config validation, joined with ``; ``."""
    prefix = f"{section}." if section else ""
    return "; ".join(f"{prefix}{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
