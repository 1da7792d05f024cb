"""The sync half of a read-only session: commits refused, a borrowed connection given back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from surge.database.sql.borrowed import release_borrowed
from surge.exceptions.base import SurgeError

__all__ = ["ReadOnlySessionError", "ReadOnlySyncSession"]


class ReadOnlySessionError(SurgeError, RuntimeError):
    """``commit()`` was called on a session opened by ``@readonly_session``."""


class ReadOnlySyncSession(Session):
    """The sync half of a read-only ``AsyncSession``: every way of committing is refused.

    Writes that reach the database (a flush) stay in the transaction, which is rolled back
    when the session closes. A connection borrowed for driver-level reads
    (:mod:`surge.database.sql.borrowed`) goes back to the pool when the session closes or
    takes a connection of its own.
    """

    def _connection_for_bind(self, engine: Any, execution_options: Any = None, **kw: Any) -> Any:
        release_borrowed(self)
        return super()._connection_for_bind(engine, execution_options, **kw)

    def _close_impl(self, invalidate: bool, is_reset: bool = False) -> None:
        release_borrowed(self)
        super()._close_impl(invalidate, is_reset)


@event.listens_for(ReadOnlySyncSession, "before_commit")
def _refuse_commit(session: Session) -> None:
    # An event rather than a commit() override: it also stops `async with session.begin():`.
    raise ReadOnlySessionError("This session comes from @readonly_session and cannot commit")
