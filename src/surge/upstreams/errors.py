"""What calling an upstream can fail with: every one answers its HTTP status when left uncaught."""

from __future__ import annotations

from surge.exceptions.base import SurgeError
from surge.exceptions.http import BaseHttpException

__all__ = ["UnknownUpstream", "UpstreamTimeout", "UpstreamUnavailable"]


class UpstreamUnavailable(BaseHttpException):
    """No member of the upstream accepted the connection (502 Bad Gateway)."""

    status_code = 502
    default_message = "Bad gateway"


class UpstreamTimeout(BaseHttpException):
    """The upstream did not answer within ``TIMEOUT`` (504 Gateway Timeout)."""

    status_code = 504
    default_message = "Gateway timeout"


class UnknownUpstream(SurgeError, LookupError):
    """``app.upstream(name)`` for a name that ``UPSTREAMS`` does not define (a bug: 500, logged)."""
