"""Small containers for request data: a dict with multi-value access, and a state bag."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["MultiDict", "State"]


class MultiDict(dict[str, Any]):
    """A dict of first values that also remembers every value of a repeated key.

    ``md["tag"]`` is the first value (what most code wants); ``md.getlist("tag")`` is all of them.
    """

    __slots__ = ("_lists",)

    def __init__(self, pairs: Iterable[tuple[str, Any]] = ()) -> None:
        super().__init__()
        lists: dict[str, list[Any]] = {}
        for key, value in pairs:
            values = lists.get(key)
            if values is None:
                lists[key] = [value]
                dict.__setitem__(self, key, value)
            else:
                values.append(value)
        self._lists = lists

    def getlist(self, key: str) -> list[Any]:
        """All values given for ``key``, in order (empty when absent)."""
        return list(self._lists.get(key, ()))

    def multi_items(self) -> list[tuple[str, Any]]:
        """Every (key, value) pair, repeated keys included."""
        return [(key, value) for key, values in self._lists.items() for value in values]

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self._lists[key] = [value]


class State:
    """An attribute bag for per-request (``req.state``) or per-app state."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"State({self.__dict__!r})"
