"""The request being handled, for helpers called without one (``flash("Saved")``)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["current_request", "request_var"]

request_var: ContextVar[Request | None] = ContextVar("surge_security_request", default=None)


def current_request() -> Request:
    """The request the Sessions middleware is handling in this task.

    Raises:
        RuntimeError: called outside a request, or the Sessions extension is not installed.
    """
    req = request_var.get()
    if req is None:
        raise RuntimeError("No current request: pass req=..., or list the Sessions extension in EXTENSIONS")
    return req
