"""``MigrationError``, apart from ``Migrate`` so the ``db-*`` commands can catch it without importing the extension."""

from __future__ import annotations

from surge.exceptions.base import SurgeError

__all__ = ["MigrationError"]


class MigrationError(SurgeError):
    """A migration command cannot run; the message says why and what to do."""
