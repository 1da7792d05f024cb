"""The app's named upstreams (``UPSTREAMS``): validated when the app is built, closed at shutdown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from surge.upstreams.config import load_upstreams
from surge.upstreams.errors import UnknownUpstream

if TYPE_CHECKING:
    from surge.upstreams.pool import Upstream

__all__ = ["UpstreamHost", "Upstreams"]


class UpstreamHost(Protocol):
    """What the registry needs of the app."""

    def get_conf(self, config_name: str, default: Any = ...) -> Any: ...

    def add_on_shutdown_method(self, func: Callable[[], Awaitable[None]]) -> None: ...


class Upstreams:
    """Every upstream the config names; ``app.upstream`` is its :meth:`get`.

    Raises:
        ImproperlyConfigured: an ``UPSTREAMS`` entry is invalid (names ``UPSTREAMS.<name>.KEY``).
    """

    def __init__(self, app: UpstreamHost) -> None:
        configs = load_upstreams(app.get_conf("UPSTREAMS", None))
        self._upstreams: dict[str, Upstream] = {}
        if configs:  # httpx is imported only by an app that has upstreams
            from surge.upstreams.pool import Upstream

            self._upstreams = {name: Upstream(name, config) for name, config in configs.items()}
        if self._upstreams:
            app.add_on_shutdown_method(self.aclose)

    @property
    def names(self) -> tuple[str, ...]:
        """The configured names."""
        return tuple(self._upstreams)

    def get(self, name: str) -> Upstream:
        """The upstream ``name``: ``app.upstream("billing")``.

        Raises:
            UnknownUpstream: ``UPSTREAMS`` has no such name.
        """
        upstream = self._upstreams.get(name)
        if upstream is None:
            known = ", ".join(sorted(self._upstreams)) or "none"
            raise UnknownUpstream(f"No upstream named {name!r} in UPSTREAMS (configured: {known})")
        return upstream

    async def aclose(self) -> None:
        """Close every upstream's connections."""
        for upstream in self._upstreams.values():
            await upstream.aclose()
