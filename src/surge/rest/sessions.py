"""``get_async_session``: a session for custom code, committed on success (the seed's helper).

Surge is async-only: there is no sync counterpart; sync code can call an async helper of
an endpoint through ``RestEndpoint.run``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from surge.database.sql import SqlDatabase

__all__ = ["get_async_session"]


@asynccontextmanager
async def get_async_session(source: SqlDatabase | AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session of ``source`` (a SqlDatabase or an AsyncEngine): committed when the block
    ends normally, rolled back when it raises, always closed."""
    if isinstance(source, AsyncEngine):
        session = async_sessionmaker(source, expire_on_commit=False)()
    else:
        session = source.create_session()
    try:
        yield session
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    finally:
        await session.close()
