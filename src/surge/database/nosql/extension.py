"""``NoSqlDatabase``: a document database behind a pluggable backend."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from surge.controller.spec import add_endpoint_wrapper
from surge.database.nosql._steps import DatabaseStep
from surge.database.nosql.backends.base import AsyncNoSqlBackendBase
from surge.database.nosql.config import NoSqlDatabaseConfig
from surge.extension import BaseExtension
from surge.roles import ReadinessProbe

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["NoSqlDatabase"]

F = TypeVar("F", bound=Callable[..., Any])


class NoSqlDatabase(BaseExtension[NoSqlDatabaseConfig], ReadinessProbe):
    """The seed's NoSQL extension: config ``NOSQL_DATABASE``, backend chosen by ``BACKEND``.

    The query methods forward to the backend, so one-off calls need no decorator:
    ``await nosqldb.find_one("users", {"email": email})``.

    Args:
        db_name: a name for this database (several NoSqlDatabase objects can coexist).
        configs_name: the config section (default ``NOSQL_DATABASE``).
        variable_prefix: prefix for the default section name (``"MY_"`` reads
            ``MY_NOSQL_DATABASE``).
    """

    config_model = NoSqlDatabaseConfig
    config_required = True

    def __init__(self, db_name: str = "nosql", configs_name: str | None = None, variable_prefix: str = "") -> None:
        super().__init__(configs_name or f"{variable_prefix}NOSQL_DATABASE")
        self.__db_name__ = db_name
        self._variable_prefix = variable_prefix
        self._backend: AsyncNoSqlBackendBase | None = None
        self._config: NoSqlDatabaseConfig | None = None

    def configure(self, app: Surge, config: NoSqlDatabaseConfig) -> None:
        """Build the backend (connected at startup)."""
        self._config = config
        self._backend = config.BACKEND.configure_from_app(app, self.configs_name)

    async def startup(self) -> None:
        """Connect the backend."""
        await self.backend.connect()

    async def shutdown(self) -> None:
        """Disconnect the backend."""
        if self._backend is not None:
            await self._backend.disconnect()

    async def check_ready(self) -> None:
        """One cheap read through the backend (``/readyz``); raises when the database does not answer."""
        await self.backend.find_one("surge_readiness", {})

    async def connect(self) -> None:
        """Connect the backend (done at startup)."""
        await self.backend.connect()

    async def disconnect(self) -> None:
        """Disconnect the backend (done at shutdown)."""
        await self.backend.disconnect()

    # -- properties -------------------------------------------------------------------------------
    @property
    def variable_prefix(self) -> str:
        """The prefix given at construction."""
        return self._variable_prefix

    @property
    def db_name(self) -> str:
        """The name given at construction."""
        return self.__db_name__

    @property
    def inject_name(self) -> str:
        """The handler argument that receives the database (``DB_INJECT_NAME``)."""
        return self._config.DB_INJECT_NAME if self._config is not None else "db"

    @property
    def session_name(self) -> str:
        """The handler argument that receives the session (``SESSION_NAME``)."""
        return self._config.SESSION_NAME if self._config is not None else "session"

    @property
    def backend(self) -> AsyncNoSqlBackendBase:
        """The configured backend.

        Raises:
            RuntimeError: the extension is not initialized.
        """
        if not self._backend:
            raise RuntimeError("Backend not connected. Was init_app/connect called?")
        return self._backend

    # -- the seed's methods -----------------------------------------------------------------------
    def database_handle(self) -> Any:
        """The backend's native database handle."""
        return self.backend.database_handle()

    def get_collection(self, name: str) -> Any:
        """The backend's native collection handle."""
        return self.backend.get_collection(name)

    async def find_one(self, collection: str, filter: Mapping[str, Any], **kwargs: object) -> Any:
        """The first document matching ``filter``, or None."""
        return await self.backend.find_one(collection, filter, **kwargs)

    async def find_many(self, collection: str, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> list[Any]:
        """Documents matching ``filter`` (``limit``, ``skip``, ``sort``, ``session`` accepted)."""
        return await self.backend.find_many(collection, filter, **kwargs)

    async def insert_one(self, collection: str, doc: Mapping[str, Any], **kwargs: object) -> Any:
        """Insert one document; the result has ``inserted_id``."""
        return await self.backend.insert_one(collection, doc, **kwargs)

    async def insert_many(self, collection: str, docs: Iterable[Mapping[str, Any]], **kwargs: object) -> Any:
        """Insert documents; the result has ``inserted_ids``."""
        return await self.backend.insert_many(collection, docs, **kwargs)

    async def update_one(
        self, collection: str, filter: Mapping[str, Any], update: Mapping[str, Any], **kwargs: Any
    ) -> Any:
        """Update the first match with operators (``$set``, ``$inc``, ...); ``upsert`` accepted."""
        return await self.backend.update_one(collection, filter, update, **kwargs)

    async def delete_one(self, collection: str, filter: Mapping[str, Any], **kwargs: object) -> Any:
        """Delete the first match; the result has ``deleted_count``."""
        return await self.backend.delete_one(collection, filter, **kwargs)

    async def aggregate(self, collection: str, pipeline: Iterable[Mapping[str, Any]], **kwargs: object) -> list[Any]:
        """Run an aggregation pipeline."""
        return await self.backend.aggregate(collection, pipeline, **kwargs)

    async def execute_raw(self, *args: Any, **kwargs: Any) -> Any:
        """Escape hatch for backend-specific commands. See MongoBackend.execute_raw docstring."""
        return await self.backend.execute_raw(*args, **kwargs)

    # -- decorators -------------------------------------------------------------------------------
    def managed_database(self, func: F) -> F:
        """Inject this database as ``DB_INJECT_NAME`` and a session as ``SESSION_NAME``, and run
        the handler in one transaction when the backend supports it (None session otherwise).
        Returns ``func`` unchanged."""
        add_endpoint_wrapper(func, DatabaseStep(self, func, transactional=True))
        return func

    def readonly_database(self, func: F) -> F:
        """Inject this database as ``DB_INJECT_NAME`` (and a None session), no transaction.
        Returns ``func`` unchanged."""
        add_endpoint_wrapper(func, DatabaseStep(self, func, transactional=False))
        return func

    def __repr__(self) -> str:
        return f"<NoSqlDatabase {self.__db_name__!r} ({self.configs_name})>"
