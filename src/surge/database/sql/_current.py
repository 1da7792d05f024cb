"""The sessions opened by ``@managed_session`` / ``@readonly_session`` for the running request.

``Model.query()`` without a session uses the one of its database here, so a handler that
only reads through models does not have to thread the session through every call.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["current_session", "reset_current", "set_current"]

_sessions: ContextVar[dict[str, AsyncSession] | None] = ContextVar("surge_sql_sessions", default=None)


def current_session(db_name: str) -> AsyncSession | None:
    """The session that the running request opened for database ``db_name``, if any."""
    sessions = _sessions.get()
    return None if sessions is None else sessions.get(db_name)


def set_current(db_names: tuple[str, ...], session: AsyncSession) -> Token[dict[str, AsyncSession] | None]:
    """Make ``session`` the current one of the database known by ``db_names``; pass the token
    to :func:`reset_current`."""
    sessions = _sessions.get()
    mine = dict.fromkeys(db_names, session)
    return _sessions.set(mine if sessions is None else {**sessions, **mine})


def reset_current(token: Token[dict[str, AsyncSession] | None]) -> None:
    """Undo the matching :func:`set_current`."""
    _sessions.reset(token)
