"""The session a ``@readonly_session`` endpoint gets: built on first use.

Building and closing SQLAlchemy's ``AsyncSession`` and ``Session`` costs about as much as a
one-row query (0.02 ms: identity map, event dispatch, proxy registry, expunge at close). An
endpoint that only reads values (``one_dict()``, ``dicts()``: :mod:`surge.database.sql.rows`)
through a borrowed connection (:mod:`surge.database.sql.borrowed`) needs none of it. So the
endpoint gets a :class:`DeferredSession`: an ``AsyncSession`` whose constructor runs the first
time anything else is asked of it (any attribute, any method), and which is then the ordinary
session it would have been from the start, holding the connection it borrowed. Only on
engines where value reads borrow (see :func:`open_readonly`); elsewhere there is nothing to save.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from surge.database.sql.borrowed import hand_over_borrowed
from surge.database.sql.lazy_begin import lazy_begin_enabled

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import async_sessionmaker

__all__ = ["DeferredSession", "open_readonly", "unbuilt_engine"]

_MAKER = "_surge_maker"
_BUILT = "_surge_built"


class DeferredSession(AsyncSession):
    """An ``AsyncSession`` made by ``maker``, built when first used as one."""

    def __init__(self, maker: async_sessionmaker[AsyncSession]) -> None:  # AsyncSession.__init__ waits
        self.__dict__[_MAKER] = maker

    def __getattr__(self, name: str) -> Any:
        """Only for attributes not set yet: build the session, then look again."""
        state = self.__dict__
        if state.get(_BUILT) or name.startswith("__") or name in (_MAKER, _BUILT):
            raise AttributeError(name)
        state[_BUILT] = True
        AsyncSession.__init__(self, **state[_MAKER].kw)
        hand_over_borrowed(self, self.sync_session)  # the connection a value read borrowed, if any
        return getattr(self, name)


def open_readonly(maker: async_sessionmaker[AsyncSession]) -> AsyncSession:
    """A read-only endpoint's session: deferred where its value reads borrow connections (a
    lazy-BEGIN engine: asyncpg at READ COMMITTED), an ordinary one elsewhere."""
    bind = maker.kw.get("bind")
    if isinstance(bind, AsyncEngine) and lazy_begin_enabled(bind.sync_engine):
        return DeferredSession(maker)
    return maker()


def unbuilt_engine(session: AsyncSession) -> AsyncEngine | None:
    """The engine of a :class:`DeferredSession` not built yet, else None."""
    if type(session) is not DeferredSession or _BUILT in session.__dict__:
        return None
    bind = session.__dict__[_MAKER].kw.get("bind")
    return bind if isinstance(bind, AsyncEngine) else None
