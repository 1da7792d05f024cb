"""The proxy half of ``Response``: ``await req.response.proxy_pass("billing", "/path")``.

The work is done by the app's upstream (``surge.upstreams``), reached through the request's
app: the response only knows the small protocol below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, Self, cast, runtime_checkable

if TYPE_CHECKING:
    from surge.types import Connection

__all__ = ["ProxyPass", "ProxyTarget", "UpstreamApp"]


class ProxyTarget(Protocol):
    """An upstream, as far as the response needs it."""

    async def proxy(self, req: Any, response: Any, path: str) -> None: ...


@runtime_checkable
class UpstreamApp(Protocol):
    """An app that has named upstreams (``app.upstream(name)``)."""

    def upstream(self, name: str) -> ProxyTarget: ...


class ProxyPass:
    """``proxy_pass()`` for ``Response`` (which holds ``request``)."""

    __slots__ = ()

    request: Connection | None

    async def proxy_pass(self, upstream: str, path: str) -> Self:
        """Relay the request to the upstream ``upstream`` at ``path`` and stream its answer back.

        Raises:
            UnknownUpstream: ``UPSTREAMS`` does not name ``upstream`` (a 500, logged).
            UpstreamUnavailable: every member is down (502). UpstreamTimeout: no answer in time (504).
        """
        request = self.request
        if request is None:
            raise RuntimeError("proxy_pass() needs the response of a request (req.response)")
        app = request.app
        if not isinstance(app, UpstreamApp):
            raise RuntimeError(f"{type(app).__name__} has no upstreams (app.upstream)")
        await cast(UpstreamApp, app).upstream(upstream).proxy(request, self, path)
        return self
