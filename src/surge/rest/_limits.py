"""Rate limits of REST resources, counted in a shared store.

The counters live in a :class:`surge.security.SecurityStore`: the ``RateLimiter``
extension's store when the app has one (so Redis-backed limits are shared by every
process), else the store ``REST_API.RATE_LIMIT_BACKEND`` names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surge.rest.errors import RestError
from surge.rest.options import RateLimit

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.security.stores import SecurityStore

__all__ = ["Limiter"]


class Limiter:
    """Counts hits per client in fixed windows and refuses the ones over a limit (429)."""

    def __init__(self, store: SecurityStore, client_ip: object = None) -> None:
        self.store = store
        self._client_ip = client_ip

    def client(self, request: Request) -> str:
        """The client's address (the RateLimiter extension's view of it when there is one)."""
        if callable(self._client_ip):
            return str(self._client_ip(request))
        client = request.client
        return client[0] if client else "unknown"

    async def check(self, scope: str, request: Request, limit: RateLimit) -> None:
        """Count this request against ``limit``.

        Raises:
            RestError: 429 with ``Retry-After`` once the limit is exceeded.
        """
        key = f"rest:{scope}:{limit.requests}/{limit.window}:{self.client(request)}"
        count, reset = await self.store.hit(key, limit.window)
        if count > limit.requests:
            raise RestError(429, "Too many requests", {"Retry-After": str(reset)})
