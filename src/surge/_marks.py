"""Finding the methods a decorator marked: one scan, used by every registry that needs one."""

from __future__ import annotations

__all__ = ["marked_members"]


def marked_members(cls: type, mark: str) -> list[tuple[str, object]]:
    """``(name, mark value)`` for every attribute of ``cls`` (inherited ones too) that a decorator
    marked with the attribute ``mark``, in alphabetical order of the names (``dir()``'s order).

    Decorators record what they mean as an attribute on the function (``__surge_hook__``,
    ``__surge_lifecycle__``, ...); registries read it once, at startup, through this.
    """
    found = []
    for name in dir(cls):
        value = getattr(getattr(cls, name, None), mark, None)
        if value is not None:
            found.append((name, value))
    return found
