"""Rate limits of REST resources, counted in a shared store.

The counters live in a :class:`surge.security.SecurityStore`: the ``RateLimiter``
extension's store when the app has one (so Redis-backed limits are shared by every
process), else the store ``REST_API.RATE_LIMIT_BACKEND`` names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from surge.rest.errors import RestError
from surge.rest.options import RateLimit

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.security.stores import SecurityStore

__all__ = ["Limiter"]


def _peer(request: Request) -> str:
    client = request.client
    return client[0] if client else "unknown"


class Limiter:
    """Counts hits per client in fixed windows and refuses the ones over a limit (429).

    Args:
        store: where the counters live.
        client_ip: the RateLimiter extension's view of the client's address (default: the peer).
        owns_store: True when the store is this limiter's own, to close at shutdown.
    """

    def __init__(
        self, store: SecurityStore, client_ip: Callable[[Request], str] | None = None, *, owns_store: bool = False
    ) -> None:
        self.store = store
        self.client: Callable[[Request], str] = client_ip or _peer
        self.owns_store = owns_store

    async def check(self, scope: str, request: Request, limit: RateLimit) -> None:
        """Count this request against ``limit``.

        Raises:
            RestError: 429 with ``Retry-After`` once the limit is exceeded.
        """
        key = f"rest:{scope}:{limit.requests}/{limit.window}:{self.client(request)}"
        count, reset = await self.store.hit(key, limit.window)
        if count > limit.requests:
            raise RestError(429, "Too many requests", {"Retry-After": str(reset)})
