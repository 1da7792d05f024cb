"""What compiling an endpoint needs from the application, handed over as one small object."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from surge._marks import marked_members
from surge.exceptions.config import ImproperlyConfigured
from surge.middleware.cors import CorsPolicy
from surge.types import ConfigContext

if TYPE_CHECKING:
    from loguru import Logger

    from surge.di.registry import DependencyRegistry
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["AppHook", "CompileContext", "ErrorResponse", "app_request_hooks"]

ErrorResponse = Callable[["Request", BaseException], Awaitable["Response"]]
"""The app's one error path: an exception raised for a request -> the response to send."""

AppHook = Callable[[Any], Awaitable[Any]]
"""An app-wide ``@before_request`` (given the request) or ``@after_request`` (given the response) method."""


def _awaitable(method: Callable[..., Any]) -> AppHook:
    if inspect.iscoroutinefunction(method):
        return method

    async def call(value: Any) -> Any:  # a plain method: the hooks are short, run it in place
        return method(value)

    return call


def app_request_hooks(app: object) -> tuple[tuple[AppHook, ...], tuple[AppHook, ...]]:
    """The ``@before_request`` and ``@after_request`` methods of ``app``'s class (alphabetical, as
    the controller's), found once at startup."""
    marks = marked_members(type(app), "__surge_hook__")
    before = tuple(_awaitable(getattr(app, name)) for name, mark in marks if mark == "before")
    after = tuple(_awaitable(getattr(app, name)) for name, mark in marks if mark == "after")
    return before, after


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
        before_request: the app-wide ``@before_request`` methods (read from ``config``, the app).
        after_request: the app-wide ``@after_request`` methods.
    """

    config: ConfigContext
    logger: Logger
    extensions: Mapping[str, object]
    dependencies: DependencyRegistry
    cors: CorsPolicy | None
    respond: ErrorResponse
    before_request: tuple[AppHook, ...] = field(init=False)
    after_request: tuple[AppHook, ...] = field(init=False)

    def __post_init__(self) -> None:
        before, after = app_request_hooks(self.config)
        object.__setattr__(self, "before_request", before)  # frozen: set once, here
        object.__setattr__(self, "after_request", after)

    def require_extension(self, extension: object, user: str) -> None:
        """Check that ``extension`` (used by ``user``, e.g. ``"NotesApi.list via @cache.cache"``) is this app's.

        Raises:
            ImproperlyConfigured: it is not in this app's ``EXTENSIONS``.
        """
        if not any(candidate is extension for candidate in self.extensions.values()):
            raise ImproperlyConfigured(f"{user} uses {extension!r}, which is not in this app's EXTENSIONS")
