"""Quick aborts: fail fast from anywhere in a request."""

from __future__ import annotations

from typing import Any, NoReturn

from surge.exceptions.http import AborterException, HtmlAborterException
from surge.http.status import HttpStatus

__all__ = ["abort", "html_abort"]


def abort(
    msg: str, status_code: int = HttpStatus.BAD_REQUEST, status: str = "error", data: Any = None
) -> NoReturn:
    """Stop the request with a JSON error response.

    Raises:
        AborterException: always; unhandled, it becomes ``{"status", "message", "data"}``.
    """
    raise AborterException(msg, status_code=status_code, status=status, data=data)


def html_abort(template: str, status_code: int = HttpStatus.BAD_REQUEST, data: Any = None) -> NoReturn:
    """Stop the request with an HTML page rendered from ``template`` (context: ``data``).

    Raises:
        HtmlAborterException: always; rendered automatically.
    """
    raise HtmlAborterException(template, status_code=status_code, data=data)
