"""Request ids: read from the request (when safe) or generated, echoed, logged, put in error bodies.

The id lives in the request's scope (``REQUEST_ID_KEY``: the error responder reads it there),
on ``req.state.request_id``, and in a context variable that a loguru patcher copies into every
log record's ``extra["request_id"]`` (the access log line and error logs included).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from loguru import logger

from surge._asgi.errors import REQUEST_ID_KEY
from surge.middleware.base import MiddlewareBase

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response
    from surge.types import AppContext

__all__ = [
    "NO_REQUEST_ID",
    "REQUEST_ID_KEY",
    "RequestIdMiddleware",
    "current_request_id",
    "install_log_patcher",
    "is_valid_request_id",
    "request_id_of",
]

NO_REQUEST_ID = "-"
"""``extra["request_id"]`` of log records written outside a request."""

# An id travels into logs and headers: letters, digits and ``._:-`` only, at most 128 characters.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_current: ContextVar[str] = ContextVar("surge_request_id", default=NO_REQUEST_ID)
_patcher_installed = False


def is_valid_request_id(value: str) -> bool:
    """True when a client's id is short and made of safe characters (else the app makes its own)."""
    return _SAFE_ID.fullmatch(value) is not None


def current_request_id() -> str:
    """The id of the request being served in this task (``"-"`` outside a request)."""
    return _current.get()


def request_id_of(req: Request) -> str | None:
    """The id of ``req`` (None when request ids are off)."""
    value = req.scope.get(REQUEST_ID_KEY)
    return value if isinstance(value, str) else None


def _add_request_id(record: Any) -> None:  # loguru's Record is a TypedDict only in its stubs
    record["extra"].setdefault("request_id", _current.get())


def install_log_patcher() -> None:
    """Make every loguru record carry ``extra["request_id"]`` (installed once per process).

    loguru has one patcher per process: an app that sets its own with ``logger.configure(patcher=...)``
    replaces this one.
    """
    global _patcher_installed
    if not _patcher_installed:
        logger.configure(patcher=_add_request_id)
        _patcher_installed = True


class RequestIdMiddleware(MiddlewareBase):
    """Gives each request an id: the client's ``X-Request-ID`` when safe, else a new one.

    It sees error responses too, so an error answer carries the header as well.
    """

    sees_error_responses = True

    def __init__(self, app: AppContext, header: str) -> None:
        super().__init__(app)
        self.header = header
        self._lookup = header.lower().encode("latin-1")

    async def middleware(self, req: Request) -> Response:
        """Attach the id to the request and the log context, then echo it on the response."""
        given = req.header(self._lookup)
        request_id = given if given is not None and is_valid_request_id(given) else uuid.uuid4().hex
        req.scope[REQUEST_ID_KEY] = request_id
        setattr(req.state, "request_id", request_id)  # noqa: B010 - State is an open attribute bag
        # Not reset on the way out: the access log line is written after the chain returns, in
        # this task; the next request sets its own.
        _current.set(request_id)
        response = await self.next(req)
        response.headers[self.header] = request_id
        return response
