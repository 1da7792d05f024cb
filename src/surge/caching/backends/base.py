"""The contract every cache backend implements (the seed's ``BaseCacheBackend``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["BaseCacheBackend", "tag_index_key"]

_TAG_INDEX = "__surge_tag__:"


def tag_index_key(tag: str) -> str:
    """The key under which the generic tag index of ``tag`` is stored."""
    return _TAG_INDEX + tag


class BaseCacheBackend(ABC):
    """Abstract cache backend blueprint.

    Subclasses implement ``configure_from_app`` (build an instance from the app config),
    ``connect`` / ``disconnect`` and ``get`` / ``set`` / ``delete`` / ``clear``. Values are
    dicts (the :class:`~surge.caching.Cache` stores a response as ``status_code``,
    ``headers``, ``media_type`` and ``body``); a backend that leaves the process serializes
    them with :func:`surge.caching.backends.encode_value`.

    ``configure_from_app`` receives the name of the config section the extension reads
    (``"CACHE"`` unless ``configs_name`` or ``variable_prefix`` changed it) as
    ``variable_prefix``; :meth:`section` returns that section as a dict.
    """

    in_process: ClassVar[bool] = False
    """True for a backend that answers from this process's memory without waiting on I/O:
    the :class:`~surge.caching.Cache` then calls it without the ``TIMEOUT`` timer."""

    @classmethod
    @abstractmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> BaseCacheBackend:
        """Create a configured backend instance using app config."""

    @abstractmethod
    async def connect(self) -> None:
        """Establish any required connections (no-op for memory)."""

    @abstractmethod
    async def disconnect(self) -> None:
        """Tear down connections (no-op for memory)."""

    @abstractmethod
    async def get(self, key: str) -> dict[str, Any] | None:
        """Return cached payload dict or None."""

    @abstractmethod
    async def set(self, key: str, value: dict[str, Any], duration: int | None = None) -> None:
        """Store payload dict under key with optional TTL in seconds."""

    async def get_many(self, keys: Sequence[str]) -> list[dict[str, Any] | None]:
        """The entries under ``keys``, in order (None for a miss); override for one round trip."""
        return [await self.get(key) for key in keys]

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Delete a cached entry if present."""

    @abstractmethod
    async def clear(self) -> None:
        """Clear the entire cache namespace."""

    async def add_tags(self, key: str, tags: Sequence[str], duration: int | None = None) -> None:
        """Record that the entry ``key`` carries ``tags``, so :meth:`invalidate_tags` finds it.

        The default keeps, per tag, an index entry listing its keys (a read-modify-write
        through ``get``/``set``); the built-in backends override it with an atomic form.
        """
        for tag in tags:
            index = await self.get(tag_index_key(tag)) or {}
            keys = [str(k) for k in index.get("keys", ()) if k != key]
            keys.append(key)
            await self.set(tag_index_key(tag), {"keys": keys}, None)

    async def invalidate_tags(self, tags: Sequence[str]) -> int:
        """Delete every entry carrying any of ``tags``; returns how many keys were dropped."""
        dropped = 0
        for tag in tags:
            index = await self.get(tag_index_key(tag)) or {}
            await self.delete(tag_index_key(tag))
            for key in index.get("keys", ()):
                await self.delete(str(key))
                dropped += 1
        return dropped

    @staticmethod
    def section(app: Surge, variable_prefix: str) -> dict[str, Any]:
        """The config section named ``variable_prefix`` as a dict (empty when absent)."""
        raw = app.get_conf(variable_prefix, None)
        if raw is None:
            return {}
        if isinstance(raw, BaseModel):
            raw = raw.model_dump()
        return dict(raw)
