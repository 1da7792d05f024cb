"""The root of every exception Surge itself raises."""

from __future__ import annotations

__all__ = ["SurgeError"]


class SurgeError(Exception):
    """Base class of Surge's own errors: ``except SurgeError`` catches what the framework raised.

    HTTP exceptions, configuration errors and every extension's errors derive from it.
    """
