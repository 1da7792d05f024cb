"""Finding an extension of a given class among the app's extensions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["find_extension"]

E = TypeVar("E")


def find_extension(app: Surge, kind: type[E]) -> E | None:
    """The first extension of ``app`` that is an instance of ``kind`` (None when there is none)."""
    extensions: dict[str, Any] = app.extensions
    for extension in extensions.values():
        if isinstance(extension, kind):
            return extension
    return None
