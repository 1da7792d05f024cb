"""Named upstreams: ``UPSTREAMS = {"billing": {"URLS": [...]}}``, ``app.upstream("billing")``,
``await req.response.proxy_pass("billing", "/path")``."""

from surge.upstreams.config import UpstreamConfig, load_upstreams
from surge.upstreams.errors import UnknownUpstream, UpstreamTimeout, UpstreamUnavailable
from surge.upstreams.pool import Member, Upstream
from surge.upstreams.proxy import HOP_BY_HOP
from surge.upstreams.registry import Upstreams

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
