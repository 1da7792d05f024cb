"""MongoDB through pymongo's async client (``pymongo.AsyncMongoClient``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Optional, Protocol, cast

from surge.database.nosql.backends.base import AsyncNoSqlBackendBase, Projection
from surge.extension import require

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["MongoBackend"]


class _TransactionalSession(Protocol):
    """What ``with_transaction`` needs of a client session (pymongo's, or a test double's)."""

    def with_transaction(self, callback: Callable[[Any], Awaitable[Any]]) -> Awaitable[Any]: ...


class MongoBackend(AsyncNoSqlBackendBase):
    """``BACKEND: MongoBackend``, ``DATABASE_URI: "mongodb://..."``, ``DATABASE: "app"``.

    Transactions need a replica set or a sharded cluster: at connect the backend asks the
    server (``hello``) and reports :meth:`supports_transactions` accordingly, so
    ``@managed_database`` opens a transaction only where MongoDB can run one.
    """

    def __init__(self, uri: str, database: str | None = None, server_selection_timeout_ms: int = 5000) -> None:
        self.uri = uri
        self.database = database
        self.server_selection_timeout_ms = server_selection_timeout_ms
        self._client: Any = None
        self._db: Any = None
        self._transactions = False

    @classmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> MongoBackend:
        """Read ``DATABASE_URI``, ``DATABASE`` and ``SERVER_SELECTION_TIMEOUT_MS``.

        Raises:
            MissingDependency: pymongo is not installed.
        """
        from surge.database.nosql.config import load_nosql_config

        require("pymongo", "nosql")
        config = load_nosql_config(app, variable_prefix)
        return cls(config.DATABASE_URI, config.DATABASE, config.SERVER_SELECTION_TIMEOUT_MS)

    def create_client(self) -> Any:
        """The client object; override to use another client (tests use mongomock-motor)."""
        from pymongo import AsyncMongoClient

        return AsyncMongoClient(self.uri, serverSelectionTimeoutMS=self.server_selection_timeout_ms)

    async def connect(self) -> None:
        """Create the client, ping the server, and learn whether it runs transactions.

        Raises:
            RuntimeError: the server cannot be reached.
        """
        self._client = self.create_client()
        self._db = self._client[self.database] if self.database else None
        try:
            await self._client.admin.command("ping")
        except Exception as exc:
            raise RuntimeError(f"Cannot connect to MongoDB at {self.uri}: {exc}") from exc
        try:
            hello = await self._client.admin.command("hello")
        except Exception:
            hello = {}
        self._transactions = bool(hello.get("setName")) or hello.get("msg") == "isdbgrid"

    async def disconnect(self) -> None:
        """Close the client."""
        client, self._client, self._db = self._client, None, None
        if client is not None:
            result = client.close()
            if hasattr(result, "__await__"):
                await result

    @property
    def client(self) -> Any:
        """The connected client.

        Raises:
            RuntimeError: not connected.
        """
        if self._client is None:
            raise RuntimeError("MongoBackend is not connected")
        return self._client

    def database_handle(self) -> Any:
        """The database named ``DATABASE`` (the client when none is configured)."""
        return self._db if self._db is not None else self.client

    def supports_transactions(self) -> bool:
        """True on replica sets and sharded clusters."""
        return self._transactions

    async def start_session(self) -> Any:
        """A client session (None when the server has no transactions)."""
        if not self._transactions:
            return None
        session = self.client.start_session()
        if hasattr(session, "__await__"):
            session = await session
        return session

    async def with_transaction(self, fn: Callable[..., Any], *args: object, session: object = None, **kwargs: object) -> Any:
        """Run ``fn(*args, session=..., **kwargs)`` in a transaction (pymongo retries it on
        transient errors, so ``fn`` may run more than once); without a session, just call it."""
        if session is None:
            return await fn(*args, session=None, **kwargs)

        async def callback(active: object) -> Any:
            return await fn(*args, session=active, **kwargs)

        return await cast(_TransactionalSession, session).with_transaction(callback)

    def get_collection(self, name: str) -> Any:
        """The collection ``name`` of the configured database.

        Raises:
            RuntimeError: no ``DATABASE`` was configured.
        """
        if self._db is None:
            raise RuntimeError("No database selected: set DATABASE in the NOSQL_DATABASE config")
        return self._db[name]

    async def find_one(self, collection: str, filter: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any:
        """``collection.find_one``."""
        return await self.get_collection(collection).find_one(filter, session=session, **kwargs)

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
    ) -> list[Any]:
        """``collection.find`` with sort, skip, limit and projection, as a list."""
        if projection is not None:
            kwargs["projection"] = projection
        cursor = self.get_collection(collection).find(filter or {}, session=session, **kwargs)
        if sort:
            cursor = cursor.sort(list(sort))
        if skip:
            cursor = cursor.skip(skip)
        if limit:
            cursor = cursor.limit(limit)
        return list(await cursor.to_list(length=None))

    async def insert_one(self, collection: str, doc: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any:
        """``collection.insert_one`` (the result has ``inserted_id``)."""
        return await self.get_collection(collection).insert_one(dict(doc), session=session, **kwargs)

    async def insert_many(
        self, collection: str, docs: Iterable[Mapping[str, Any]], *, session: object = None, **kwargs: object
    ) -> Any:
        """``collection.insert_many`` (the result has ``inserted_ids``)."""
        return await self.get_collection(collection).insert_many([dict(d) for d in docs], session=session, **kwargs)

    async def update_one(
        self,
        collection: str,
        filter: Mapping[str, Any],
        update: Mapping[str, Any],
        *,
        upsert: bool = False,
        session: object = None,
        **kwargs: object,
    ) -> Any:
        """``collection.update_one``."""
        return await self.get_collection(collection).update_one(filter, update, upsert=upsert, session=session, **kwargs)

    async def delete_one(self, collection: str, filter: Mapping[str, Any], *, session: object = None, **kwargs: object) -> Any:
        """``collection.delete_one``."""
        return await self.get_collection(collection).delete_one(filter, session=session, **kwargs)

    async def aggregate(
        self, collection: str, pipeline: Iterable[Mapping[str, Any]], *, session: object = None, **kwargs: object
    ) -> list[Any]:
        """``collection.aggregate``, as a list."""
        cursor = self.get_collection(collection).aggregate(list(pipeline), session=session, **kwargs)
        if hasattr(cursor, "__await__"):
            cursor = await cursor  # pymongo's async client returns the cursor from a coroutine
        return list(await cursor.to_list(length=None))

    async def execute_raw(self, *args: Any, **kwargs: Any) -> Any:
        """``execute_raw("ping")`` / ``execute_raw("collStats", {"collStats": "users"})`` runs a
        database command; ``execute_raw(async_fn, ...)`` calls ``async_fn(database, ...)``.

        Raises:
            TypeError: neither a command name nor a callable.
        """
        handle = self.database_handle()
        if args and callable(args[0]):
            return await args[0](handle, *args[1:], **kwargs)
        if args and isinstance(args[0], str):
            command = args[1] if len(args) > 1 else {args[0]: 1}
            if isinstance(command, Mapping) and args[0] not in command:
                command = {args[0]: 1, **command}
            return await handle.command(command, **kwargs)
        raise TypeError("execute_raw takes a command name or an async callable")
