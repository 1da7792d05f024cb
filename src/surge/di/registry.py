"""Provider registry (minimal first cut: ``Annotated[T, Depends(fn)]`` with no sub-dependencies)."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, get_args, get_origin

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request

__all__ = ["Depends", "DependencyRegistry", "Inject", "registry_of"]

T = TypeVar("T")


class Depends:
    """Marks a parameter as provided by ``provider``: ``Annotated[Repo, Depends(get_repo)]``."""

    __slots__ = ("provider", "scope")

    def __init__(self, provider: Callable[..., Any], scope: str = "request") -> None:
        self.provider = provider
        self.scope = scope


class Inject(Generic[T]):
    """Controller attribute annotation ``repo: Inject[Repo]``, resolved per request."""


class DependencyRegistry:
    """The providers of one app."""

    def __init__(self, app: Surge) -> None:
        self.app = app
        self.providers: dict[Any, Depends] = {}

    def register(self, provider: Any) -> None:
        """Register a provider for its return type."""
        hints = typing.get_type_hints(provider)
        self.providers[hints.get("return", provider)] = Depends(provider)

    def planner(self, name: str, annotation: Any, default: Any, where: str) -> Callable[[Request], Awaitable[Any]] | None:
        """A resolver for a handler parameter, or None when it is not injected."""
        marker: Depends | None = None
        if get_origin(annotation) is typing.Annotated:
            marker = next((m for m in get_args(annotation)[1:] if isinstance(m, Depends)), None)
        elif annotation in self.providers:
            marker = self.providers[annotation]
        if marker is None:
            return None
        provider = marker.provider
        overrides = self.app.dependency_overrides

        async def resolve(req: Request) -> Any:
            func = overrides.get(provider, provider)
            value = func()
            if inspect.isawaitable(value):
                value = await value
            return value

        return resolve


def registry_of(app: Surge) -> DependencyRegistry:
    """The dependency registry of ``app`` (created on first use)."""
    registry = app.extensions.get("__dependencies__")
    if registry is None:
        registry = app.extensions["__dependencies__"] = DependencyRegistry(app)
    return registry  # type: ignore[no-any-return]
