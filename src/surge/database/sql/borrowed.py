"""A read-only session reads values through a pool connection it borrows, not a transaction.

On a lazy-BEGIN engine (see :mod:`surge.database.sql.lazy_begin`) a read-only session runs
its plain SELECTs outside any transaction. The driver-level reads of
:mod:`surge.database.sql.rows` then need no SQLAlchemy ``Connection`` or ``SessionTransaction``
around the pooled connection, and under load those cost more than the query itself (greenlet
hops, events, bookkeeping: 0.2 ms of CPU a request, measured on /db). So such a read checks
out a connection from the engine's own pool (``Engine.raw_connection``: same pool, same size,
same events) and the session keeps it until it closes, or until it needs a connection of its
own for anything else: the borrowed one goes back to the pool first, so a session never holds
two (two per session could starve the pool).

The holder is the sync ``Session``, or the :class:`~surge.database.sql.deferred.DeferredSession`
itself while it is not built. Nothing is begun on a borrowed connection, so giving it back is
a plain check-in: the pool's reset rollback has nothing to send, and no await is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.util.concurrency import greenlet_spawn

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import PoolProxiedConnection

__all__ = ["borrowed_driver", "discard_borrowed", "hand_over_borrowed", "release_borrowed"]

_BORROWED = "_surge_borrowed"  # the holder's attribute for the checked-out pool connection


async def borrowed_driver(holder: object, engine: Engine) -> Any | None:
    """The driver connection ``holder`` reads through (checked out on first use), or None when
    the pool cannot give one (the caller lets SQLAlchemy run the query and report why)."""
    state = holder.__dict__
    pooled: PoolProxiedConnection | None = state.get(_BORROWED)
    if pooled is None:
        try:
            pooled = await greenlet_spawn(engine.raw_connection)
        except Exception:
            return None
        held: PoolProxiedConnection | None = state.get(_BORROWED)
        if held is not None:  # another read of this session borrowed one meanwhile: keep one
            pooled.close()
            pooled = held
        else:
            state[_BORROWED] = pooled
    return pooled.driver_connection


def release_borrowed(holder: object) -> None:
    """Give ``holder``'s borrowed connection back to the pool (no-op when it has none)."""
    pooled: PoolProxiedConnection | None = holder.__dict__.pop(_BORROWED, None)
    if pooled is not None:
        pooled.close()


def hand_over_borrowed(holder: object, to: object) -> None:
    """Move ``holder``'s borrowed connection (if any) to ``to``, which releases it from then on."""
    pooled = holder.__dict__.pop(_BORROWED, None)
    if pooled is not None:
        to.__dict__[_BORROWED] = pooled


async def discard_borrowed(holder: object) -> None:
    """After a driver error: the connection goes back to the pool, or is dropped if the error closed it."""
    pooled: PoolProxiedConnection | None = holder.__dict__.pop(_BORROWED, None)
    if pooled is None:
        return
    driver: Any = pooled.driver_connection
    if driver is None or driver.is_closed():
        await greenlet_spawn(pooled.invalidate)  # closing a driver connection awaits
    else:
        pooled.close()
