"""What ``@db.managed_session`` and ``@db.readonly_session`` do, on endpoints and elsewhere.

On an endpoint the work is a pipeline step attached to its spec, compiled at startup. The
decorated function is also wrapped (:func:`session_decorator`) so that calling it directly (a
helper, a middleware method, a ``user_loader``, a CLI command) opens a session too; inside an
endpoint the wrapper finds the step's session and only passes it on. The function keeps its
signature and docstring (OpenAPI stays intact) and the decorators work in any order.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from surge.controller.spec import CallNext, add_endpoint_wrapper
from surge.database.sql._current import current_session, reset_current, set_current
from surge.database.sql.borrowed import release_borrowed
from surge.database.sql.deferred import DeferredSession, open_readonly, unbuilt_engine
from surge.database.sql.readonly import ReadOnlySessionError, ReadOnlySyncSession
from surge.openapi.roles import ErrorResponsesProvider

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from surge.controller.context import CompileContext
    from surge.database.sql._types import SessionSource
    from surge.http.request import Request
    from surge.types import HandlerKwargs

__all__ = [
    "ManagedSession",
    "ReadOnlySession",
    "ReadOnlySessionError",
    "ReadOnlySyncSession",
    "session_decorator",
]

F = TypeVar("F", bound=Callable[..., Any])


class _SessionStep(ErrorResponsesProvider):
    """Shared part of both steps: which database, which handler, which kwarg."""

    __slots__ = ("_db", "_func")

    def __init__(self, db: SessionSource, func: Callable[..., Any]) -> None:
        self._db = db
        self._func = func

    def openapi_responses(self, method: str) -> Mapping[int, str]:
        """What the database errors become (surge.database.sql.errors), for the OpenAPI document."""
        return {409: "Conflicts with a database constraint", 503: "Database unavailable"}

    @property
    def provides(self) -> tuple[str, ...]:
        """The handler kwarg the session is injected as (``SESSION_NAME``), read at startup."""
        return (self._db.session_name,)

    def _injected_name(self) -> str | None:
        """``SESSION_NAME`` if the handler takes it; a handler without it still gets a session
        for ``Model.query()`` (decided once, at startup)."""
        name = self._db.session_name
        parameters = inspect.signature(self._func).parameters
        if name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            return name
        return None


class ManagedSession(_SessionStep):
    """Open a session per call; commit on success, roll back on any exception, always close."""

    __slots__ = ()

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """The step's per-request callable (built once, at startup)."""
        make = self._db.sessionmaker()  # PERF: resolved once, not per request
        name = self._injected_name()
        db_names = self._db.db_names

        async def managed(req: Request, kwargs: HandlerKwargs) -> Any:
            session = make()
            if name is not None:
                kwargs[name] = session
            token = set_current(db_names, session)
            try:
                result = await call_next(req, kwargs)
                await session.commit()
                return result
            except BaseException:
                await session.rollback()
                raise
            finally:
                reset_current(token)
                await session.close()

        return managed


class ReadOnlySession(_SessionStep):
    """Open a session per call that never commits; closing it rolls back anything written."""

    __slots__ = ()

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """The step's per-request callable (built once, at startup)."""
        make = self._db.sessionmaker(readonly=True)  # PERF: resolved once, not per request
        name = self._injected_name()
        db_names = self._db.db_names

        async def readonly(req: Request, kwargs: HandlerKwargs) -> Any:
            session = open_readonly(make)
            if name is not None:
                kwargs[name] = session
            token = set_current(db_names, session)
            try:
                return await call_next(req, kwargs)
            finally:
                reset_current(token)
                await _close(session)

        return readonly


async def _close(session: AsyncSession) -> None:
    """Close ``session``; one that never began (no connection, nothing to roll back) is closed
    in place, without the greenlet hop (PERF: an endpoint answered from a cache)."""
    if unbuilt_engine(session) is not None:
        release_borrowed(session)  # only value reads: nothing else to close
    elif session.in_transaction():
        await session.close()
    else:
        session.sync_session.close()


def _takes(func: Callable[..., Any], name: str) -> bool:
    parameters = inspect.signature(func).parameters
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _is_readonly(session: AsyncSession) -> bool:
    return isinstance(session, DeferredSession) or isinstance(session.sync_session, ReadOnlySyncSession)


def session_decorator(db: SessionSource, func: F, *, readonly: bool) -> F:
    """``func`` with a session of ``db``: the endpoint step, plus a wrapper for direct calls.

    A direct call injects the session as ``SESSION_NAME`` (when ``func`` takes it) and makes it
    current for ``Model.query()``. A session already there is reused and left to its owner: one
    passed by the caller, or the one an outer endpoint, helper or command opened for ``db``
    (a managed call inside a read-only one opens its own, so its writes are not lost).
    Otherwise a managed call commits when ``func`` returns, rolls back on any exception and
    closes; a read-only call never commits. Sync functions get the endpoint step only.
    """
    step = ReadOnlySession(db, func) if readonly else ManagedSession(db, func)
    if not inspect.iscoroutinefunction(func):
        add_endpoint_wrapper(func, step)
        return func
    takes: list[bool] = []  # decided on the first call: the session name is known once configured

    @functools.wraps(func)
    async def with_session(*args: Any, **kwargs: Any) -> Any:
        name = db.session_name
        if not takes:
            takes.append(_takes(func, name))
        given = kwargs.get(name)
        if given is not None:
            return await func(*args, **kwargs)
        outer = current_session(db.db_name)
        if outer is not None and (readonly or not _is_readonly(outer)):
            if takes[0]:
                kwargs[name] = outer
            return await func(*args, **kwargs)
        return await _run_in_new_session(db, func, readonly, takes[0], args, kwargs)

    add_endpoint_wrapper(with_session, step)
    return with_session  # type: ignore[return-value]


async def _run_in_new_session(
    db: SessionSource,
    func: Callable[..., Any],
    readonly: bool,
    inject: bool,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    session = db.sessionmaker(readonly=readonly)()
    if inject:
        kwargs[db.session_name] = session
    token = set_current(db.db_names, session)
    try:
        result = await func(*args, **kwargs)
        if not readonly:
            await session.commit()
        return result
    except BaseException:
        if not readonly:
            await session.rollback()
        raise
    finally:
        reset_current(token)
        await session.close()
