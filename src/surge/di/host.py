"""What dependency injection needs from the application, and the overrides mapping it installs.

The registry types the app against :class:`DependencyHost` (never the application class), so
``surge.di`` sits below the app and a test can hand it a small stand-in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol

from surge.types import ConfigContext

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["DependencyHost", "Overrides"]


class DependencyHost(ConfigContext, Protocol):
    """The app as the dependency registry sees it.

    ``dependency_overrides`` is replaced by an :class:`Overrides` mapping; ``extensions`` holds
    the registry itself; ``config`` (and the app) can be injected by type.
    """

    dependency_overrides: dict[Any, Any]

    @property
    def extensions(self) -> MutableMapping[str, Any]: ...

    @property
    def logger(self) -> Logger: ...

    @property
    def config(self) -> object: ...

    def add_on_startup_method(self, func: Callable[[], Awaitable[None]]) -> None: ...

    def add_on_shutdown_method(self, func: Callable[[], Awaitable[None]]) -> None: ...


class Overrides(dict[Any, Any]):
    """``app.dependency_overrides``: every change calls ``on_change`` (the endpoints re-plan)."""

    def __init__(self, on_change: Callable[[], None], initial: dict[Any, Any], owner: object) -> None:
        super().__init__(initial)
        self.on_change = on_change
        self.owner = owner  # the registry that installed it

    def __setitem__(self, key: object, value: object) -> None:
        super().__setitem__(key, value)
        self.on_change()

    def __delitem__(self, key: object) -> None:
        super().__delitem__(key)
        self.on_change()

    def __ior__(self, other: object) -> Overrides:  # type: ignore[misc]
        self.update(other)
        return self

    def clear(self) -> None:
        super().clear()
        self.on_change()

    def pop(self, key: object, *default: object) -> Any:
        value = super().pop(key, *default)
        self.on_change()
        return value

    def popitem(self) -> tuple[Any, Any]:
        item = super().popitem()
        self.on_change()
        return item

    def setdefault(self, key: object, default: object = None) -> Any:
        value = super().setdefault(key, default)
        self.on_change()
        return value

    def update(self, *args: Any, **kwargs: object) -> None:
        super().update(*args, **kwargs)
        self.on_change()

