"""What the session steps need of ``SqlDatabase``, so ``sessions`` does not import the extension."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["SessionSource"]


class SessionSource(Protocol):
    """The database a session step opens sessions on (``SqlDatabase`` is one)."""

    @property
    def db_name(self) -> str:
        """The name models use to pick this database."""
        ...

    @property
    def db_names(self) -> tuple[str, ...]:
        """Every name models may use for this database (``db_name`` first)."""
        ...

    @property
    def session_name(self) -> str:
        """The handler argument the session is injected as (``SESSION_NAME``)."""
        ...

    def sessionmaker(self, readonly: bool = False) -> async_sessionmaker[AsyncSession]:
        """The session factory (``readonly``: sessions that never commit)."""
        ...
