"""Named upstreams: ``UPSTREAMS = {"billing": {"URLS": [...]}}``, ``app.upstream("billing")``,
``await req.response.proxy_pass("billing", "/path")``."""

from typing import TYPE_CHECKING, Any

from surge.upstreams.config import UpstreamConfig, load_upstreams
from surge.upstreams.errors import UnknownUpstream, UpstreamTimeout, UpstreamUnavailable
from surge.upstreams.proxy import HOP_BY_HOP
from surge.upstreams.registry import Upstreams

if TYPE_CHECKING:
    from surge.upstreams.pool import Member, Upstream

__all__ = [
    "HOP_BY_HOP",
    "Member",
    "UnknownUpstream",
    "Upstream",
    "UpstreamConfig",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "Upstreams",
    "load_upstreams",
]


def __getattr__(name: str) -> Any:
    """``Member`` and ``Upstream`` load httpx: imported on first use, not with every app."""
    if name in ("Member", "Upstream"):
        from surge.upstreams import pool

        return getattr(pool, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
