"""What an extension provides to the application, declared by subclassing a role.

The application asks ``isinstance(extension, Role)``; it never probes objects with
``hasattr``. Roles that a built-in consumes live beside it: ``surge.cli.CommandProvider``,
``surge.openapi.SecuritySchemeProvider``, ``surge.templating.TemplateContextProvider``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from surge.middleware.base import MiddlewareBase

__all__ = ["Lifecycle", "MiddlewareProvider", "ReadinessProbe"]


class Lifecycle(ABC):
    """Runs code in the application's lifespan (every ``BaseExtension`` has this role)."""

    @abstractmethod
    async def startup(self) -> None:
        """Open connections; runs at app startup, after the endpoints are compiled."""

    @abstractmethod
    async def shutdown(self) -> None:
        """Close connections; runs at app shutdown, in reverse order of startup."""


class MiddlewareProvider(ABC):
    """Adds middleware instances to the app's chain, right after ``init_app``."""

    @abstractmethod
    def middleware(self) -> Sequence[MiddlewareBase]:
        """The middleware to add, outermost first."""


class ReadinessProbe(ABC):
    """Answers "can this extension serve?" with a cheap round trip to its backend (``/readyz``)."""

    @abstractmethod
    async def check_ready(self) -> None:
        """Return when the backend answers a cheap ping; raise (any exception) when it does not."""
