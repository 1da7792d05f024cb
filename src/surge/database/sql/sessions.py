"""The pipeline steps behind ``@db.managed_session`` and ``@db.readonly_session``.

The decorators never wrap the handler: they attach one of these steps to its endpoint spec,
and the app compiles it into the endpoint's pipeline at startup. The handler keeps its
signature and docstring (OpenAPI stays intact) and the decorators work in any order.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from surge.controller.spec import CallNext
from surge.database.sql._current import reset_current, set_current
from surge.exceptions.base import SurgeError

if TYPE_CHECKING:
    from surge.controller.context import CompileContext
    from surge.database.sql._types import SessionSource
    from surge.http.request import Request
    from surge.types import HandlerKwargs

__all__ = ["ManagedSession", "ReadOnlySession", "ReadOnlySessionError", "ReadOnlySyncSession"]


class ReadOnlySessionError(SurgeError, RuntimeError):
    """``commit()`` was called on a session opened by ``@readonly_session``."""


class ReadOnlySyncSession(Session):
    """The sync half of a read-only ``AsyncSession``: every way of committing is refused.

    Writes that reach the database (a flush) stay in the transaction, which is rolled back
    when the session closes.
    """


@event.listens_for(ReadOnlySyncSession, "before_commit")
def _refuse_commit(session: Session) -> None:
    # An event rather than a commit() override: it also stops `async with session.begin():`.
    raise ReadOnlySessionError("This session comes from @readonly_session and cannot commit")


class _SessionStep:
    """Shared part of both steps: which database, which handler, which kwarg."""

    __slots__ = ("_db", "_func")

    def __init__(self, db: SessionSource, func: Callable[..., Any]) -> None:
        self._db = db
        self._func = func

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
        db_name = self._db.db_name

        async def managed(req: Request, kwargs: HandlerKwargs) -> Any:
            session = make()
            if name is not None:
                kwargs[name] = session
            token = set_current(db_name, session)
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
        db_name = self._db.db_name

        async def readonly(req: Request, kwargs: HandlerKwargs) -> Any:
            session = make()
            if name is not None:
                kwargs[name] = session
            token = set_current(db_name, session)
            try:
                return await call_next(req, kwargs)
            finally:
                reset_current(token)
                await session.close()

        return readonly
