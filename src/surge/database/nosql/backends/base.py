"""The contract of a NoSQL backend (the seed's ``AsyncNoSqlBackendBase``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["AsyncNoSqlBackendBase", "Projection"]

Projection = Mapping[str, Any] | Iterable[str] | None
"""Which fields a find returns: ``{"name": 1}``, ``{"secret": 0}`` or ``["name", "email"]`` (None: all)."""


class AsyncNoSqlBackendBase(ABC):
    """Minimal async adapter interface a backend must implement.

    ``configure_from_app`` receives the name of the config section the extension reads
    (``"NOSQL_DATABASE"`` unless ``configs_name`` or ``variable_prefix`` changed it) as
    ``variable_prefix``; :meth:`section` returns that section as a dict.
    """

    @classmethod
    @abstractmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> AsyncNoSqlBackendBase:
        """Classmethod to configure backend from app config. Called during NoSqlDatabase.init_app()."""
        ...

    @abstractmethod
    async def connect(self) -> None: ...

    @abstractmethod
    async def disconnect(self) -> None: ...

    @abstractmethod
    def database_handle(self) -> Any:
        """Returns an object representing the 'database' to use inside handlers.

        For backends without a database concept, return a client/root handle.
        """
        ...

    @abstractmethod
    def supports_transactions(self) -> bool: ...

    @abstractmethod
    async def start_session(self) -> Any:
        """Return a session/context object usable in transactions (or None if unsupported)."""
        ...

    @abstractmethod
    async def with_transaction(self, fn: Callable[..., Any], *args: object, session: object = None, **kwargs: object) -> Any:
        """Execute fn inside a transaction if supported; otherwise call fn directly."""
        ...

    @abstractmethod
    def get_collection(self, name: str) -> Any: ...

    @abstractmethod
    async def find_one(self, collection: str, filter: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any: ...

    @abstractmethod
    async def find_many(
        self,
        collection: str,
        filter: Mapping[str, Any] | None = None,
        *,
        session: object = None,
        limit: Optional[int] = None,
        skip: Optional[int] = None,
        sort: Optional[Iterable[tuple[str, int]]] = None,
        projection: Projection = None,
        **kwargs: object,
    ) -> list[Any]: ...

    @abstractmethod
    async def insert_one(self, collection: str, doc: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any: ...

    @abstractmethod
    async def insert_many(
        self, collection: str, docs: Iterable[Mapping[str, Any]], *, session: object = None, **kwargs: object
    ) -> Any: ...

    @abstractmethod
    async def update_one(
        self,
        collection: str,
        filter: Mapping[str, Any],
        update: Mapping[str, Any],
        *,
        upsert: bool = False,
        session: object = None,
        **kwargs: object,
    ) -> Any: ...

    @abstractmethod
    async def delete_one(self, collection: str, filter: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any: ...

    @abstractmethod
    async def aggregate(
        self, collection: str, pipeline: Iterable[Mapping[str, Any]], *, session: object = None, **kwargs: object
    ) -> list[Any]: ...

    @abstractmethod
    async def execute_raw(self, *args: Any, **kwargs: Any) -> Any:
        """Backend escape hatch for commands that don't fit the generic surface.

        For MongoDB, this could be db.command(...), collection.bulk_write(...), etc.
        """
        ...

    @staticmethod
    def section(app: Surge, variable_prefix: str) -> dict[str, Any]:
        """The config section named ``variable_prefix`` as a dict (empty when absent)."""
        raw = app.get_conf(variable_prefix, None)
        if raw is None:
            return {}
        if hasattr(raw, "model_dump"):
            raw = raw.model_dump()
        return dict(raw)
