"""Importing optional dependencies with an error that names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from surge.exceptions.config import MissingDependency

__all__ = ["require"]


def require(module: str, package: str, extra: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingDependency` naming ``package`` and ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(package, extra) from None
