"""What compiling an endpoint needs from the application, handed over as one small object."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from surge.exceptions.config import ImproperlyConfigured
from surge.middleware.cors import CorsPolicy
from surge.types import ConfigContext

if TYPE_CHECKING:
    from loguru import Logger

    from surge.di.registry import DependencyRegistry
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["CompileContext", "ErrorResponse"]

ErrorResponse = Callable[["Request", BaseException], Awaitable["Response"]]
"""The app's one error path: an exception raised for a request -> the response to send."""


@dataclass(frozen=True, slots=True)
class CompileContext:
    """The app as the endpoint compiler and extension pipeline steps see it (at startup only).

    Attributes:
        config: reads config keys (``get_conf``) and ``debug``.
        logger: the app's logger, for warnings found while compiling or serving.
        extensions: the app's extensions, to find the one a decorator refers to.
        dependencies: the app's dependency registry.
        cors: the app-wide CORS policy (None when CORS is off).
        respond: the app's error responder.
    """

    config: ConfigContext
    logger: Logger
    extensions: Mapping[str, object]
    dependencies: DependencyRegistry
    cors: CorsPolicy | None
    respond: ErrorResponse

    def require_extension(self, extension: object, user: str) -> None:
        """Check that ``extension`` (used by ``user``, e.g. ``"NotesApi.list via @cache.cache"``) is this app's.

        Raises:
            ImproperlyConfigured: it is not in this app's ``EXTENSIONS``.
        """
        if not any(candidate is extension for candidate in self.extensions.values()):
            raise ImproperlyConfigured(f"{user} uses {extension!r}, which is not in this app's EXTENSIONS")
