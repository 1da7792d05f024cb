"""``RestEndpoint``: one annotated class is a table, its schemas and its CRUD routes.

The class is a declaration: creating it builds the table, the mapped class
(``_model_class``) and the pydantic models. Registering it with a :class:`RestApi`
generates a controller for the app. For each request a fresh instance is made (cheap, no
I/O), so request state (``self.request``, ``self.session``, background tasks) lives on
an object that serves one request only; the generated controller itself is shared.
"""

from __future__ import annotations

import asyncio
import builtins
import contextvars
import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from surge.rest import _crud
from surge.rest._crud import Body
from surge.rest._resource import ResourceSpec, describe
from surge.rest.errors import ConfigurationError

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response
    from surge.rest._runtime import Runtime

__all__ = ["BackgroundTask", "Body", "RestEndpoint", "call_maybe_sync"]

T = TypeVar("T")

BackgroundTask = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
"""``(function, args, kwargs)`` queued by :meth:`RestEndpoint.background`."""


async def call_maybe_sync(func: Callable[..., Any], *args: object) -> Any:
    """Await ``func(*args)`` if it is a coroutine function, else run it in a worker thread."""
    if inspect.iscoroutinefunction(func):
        return await func(*args)
    context = contextvars.copy_context()
    result = await asyncio.get_running_loop().run_in_executor(None, functools.partial(context.run, func, *args))
    if inspect.isawaitable(result):
        result = await result
    return result


class RestEndpoint:
    """Base class of REST resources.

    Declare fields as annotated class attributes (``title: str = Field(min_length=1)``);
    ``id``, ``created_at``, ``updated_at`` and ``version`` are added. Options go in an inner
    ``class Meta`` (authentication, filtering, pagination, serializer, cache, reflect,
    table). Override ``get``/``post``/``put``/``patch``/``delete`` (whole verbs), or
    ``list``/``retrieve``/``create``/``update``/``destroy``/``queryset``, sync or async.
    """

    _model_class: ClassVar[Any] = None
    _meta: ClassVar[dict[str, Any]] = {}
    _allowed_methods: ClassVar[frozenset[str]] = frozenset()
    _resource: ClassVar[ResourceSpec]
    __schema_create__: ClassVar[Any] = None
    __schema_read__: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        own_meta = cls.__dict__.get("Meta")
        if own_meta is not None and getattr(own_meta, "abstract", False):
            return
        clash = sorted(name for name in vars(cls).get("__annotations__", {}) if name in _RESERVED)
        if clash:
            raise ConfigurationError(
                f"RestEndpoint {cls.__name__}: field name(s) {clash} are RestEndpoint attributes; rename them"
            )
        spec = describe(cls, RestEndpoint)
        cls._resource = spec
        cls._allowed_methods = spec.methods
        cls._meta = {
            "authentication": spec.authentication,
            "filtering": spec.filtering,
            "pagination": spec.pagination,
            "serializer": (spec.read_fields, spec.write_fields),
            "cache": spec.cache,
            "reflect": spec.reflect,
            "table": spec.table_name,
        }
        if spec.bound:
            cls._publish()

    @classmethod
    def _publish(cls) -> None:
        """Expose the mapped class and models once they exist (reflected ones: at registration)."""
        spec = cls._resource
        assert spec.info is not None and spec.schemas is not None
        cls._model_class = spec.info.model
        cls.__schema_create__ = spec.schemas.create
        cls.__schema_read__ = spec.schemas.read

    # -- per-request state ------------------------------------------------------------------
    def __init__(self, **kwargs: object) -> None:
        self.request: Request = None  # type: ignore[assignment]
        self.params: dict[str, Any] = {}
        self.ordering: list[tuple[str, bool]] = []
        self._runtime: Runtime | None = None
        self._session: AsyncSession | None = None
        self._tasks: list[BackgroundTask] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        for key, value in kwargs.items():
            setattr(self, key, value)

    def _start(self, request: Request, runtime: Runtime) -> None:
        self.request = request
        self._runtime = runtime
        self._tasks = []
        self._loop = asyncio.get_running_loop()

    @property
    def session(self) -> AsyncSession:
        """This request's session of the app's SqlDatabase (committed when the request succeeds).

        Raises:
            RuntimeError: outside a request.
        """
        session = self._session
        if session is None:
            if self._runtime is None:
                raise RuntimeError(f"{type(self).__name__}.session is only available while serving a request")
            session = self._session = self._runtime.sessions()
        return session

    async def _end(self, commit: bool) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            if commit:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()

    def background(self, fn: Callable[..., Any], *args: object, **kwargs: object) -> None:
        """Run ``fn(*args, **kwargs)`` (sync or async) after the response has been sent.

        Raises:
            RuntimeError: called outside a request handler.
        """
        if self._tasks is None:
            raise RuntimeError("background() called outside request handler")
        self._tasks.append((fn, args, kwargs))

    def run(self, awaitable: Awaitable[T]) -> T:
        """From a sync override (which runs in a worker thread), run an async helper and wait.

        ``def get(self, request): return self.run(self._list_async(request))``.
        """
        if self._loop is None:
            raise RuntimeError("run() is only available while serving a request")
        return asyncio.run_coroutine_threadsafe(_as_coroutine(awaitable), self._loop).result()

    # -- overridable steps ------------------------------------------------------------------
    def queryset(self, request: Request) -> Any:
        """The base query of the list route (``select(self._model_class)``); may be async."""
        return select(type(self)._model_class)

    async def _get_queryset(self, request: Request) -> Any:
        # A sync queryset only builds a statement: it runs inline, not in a worker thread.
        query = self.queryset(request)
        if inspect.isawaitable(query):
            query = await query
        return query

    async def list(self, request: Request) -> Any:
        """GET on the collection."""
        return await self._list_async(request)

    async def retrieve(self, request: Request, pk: object) -> Any:
        """GET on one row."""
        return await self._retrieve_async(request, pk)

    async def create(self, data: Body) -> Any:
        """POST: ``data`` is the validated body (or a dict, validated here)."""
        return await self._create_async(data)

    async def update(self, data: Body, pk: object, partial: bool = False) -> Any:
        """PUT (``partial=False``) and PATCH, with optimistic locking on ``version``."""
        return await self._update_async(data, pk, partial=partial)

    async def destroy(self, request: Request, pk: object) -> Any:
        """DELETE."""
        return await self._destroy_async(request, pk)

    # -- the built-in CRUD ------------------------------------------------------------------
    async def _list_async(self, request: Request) -> Response:
        """Queryset, filters, ordering and pagination: the list response."""
        return await _crud.list_rows(self, request)

    async def _retrieve_async(self, request: Request, pk: object) -> Response:
        """One row by primary key: 200 or 404."""
        return await _crud.retrieve(self, pk)

    async def _create_async(self, data: Body) -> Response:
        """Validate and insert: 201, or 422 / 409."""
        return await _crud.create(self, data)

    async def _update_async(self, data: Body, pk: object, partial: bool = False) -> Response:
        """Optimistic-lock update: 200, or 404 / 409 / 422."""
        return await _crud.update_row(self, data, pk, partial)

    async def _destroy_async(self, request: Request, pk: object) -> Response:
        """Delete: 204, or 404."""
        return await _crud.destroy(self, pk)

    # -- serialization ----------------------------------------------------------------------
    def _serialize(self, row: object, method: str) -> dict[str, Any]:
        """The response dict of ``row`` (an ORM object or a mapping) for ``method``'s serializer."""
        schemas = self._resource.schemas
        assert schemas is not None
        fields = schemas.read_fields if method == "GET" else schemas.write_fields
        get = row.__getitem__ if isinstance(row, Mapping) else functools.partial(getattr, row)
        converters = self._resource.converters
        data = {}
        for key in fields:
            value = get(key)
            convert = converters.get(key)
            data[key] = value if convert is None or value is None else convert(value)
        return data

    def _serialize_rows(self, rows: builtins.list[Any], method: str) -> builtins.list[dict[str, Any]]:
        return [self._serialize(row, method) for row in rows]


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


_RESERVED = frozenset(name for name in dir(RestEndpoint) if not name.startswith("__")) | {
    "request",
    "params",
    "ordering",
    "session",
    "get",
    "post",
    "put",
    "patch",
    "delete",
}
