"""HTTP exceptions: raising one anywhere in a request produces its status and JSON body."""

from __future__ import annotations

from typing import Any

from surge.exceptions.base import SurgeError
from surge.http.status import HttpStatus

__all__ = [
    "AborterException",
    "BadRequest",
    "BaseHttpException",
    "Conflict",
    "CustomException",
    "Forbidden",
    "HtmlAborterException",
    "InternalServerError",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "RequestTimeout",
    "TooManyRequests",
    "Unauthorized",
    "UnprocessableEntity",
    "UnsupportedMediaType",
]


class BaseHttpException(SurgeError):
    """An exception that maps to an HTTP response.

    The default exception handler answers with ``status_code`` and the JSON body
    ``{"status": status, "message": message, "data": data}`` (``data`` only when given).
    """

    status_code: int = HttpStatus.INTERNAL_SERVER_ERROR
    default_message: str = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        status_code: int | None = None,
        status: str = "error",
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if status_code is not None:
            self.status_code = int(status_code)
        self.status = status
        self.data = data
        self.headers = headers or {}
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body the default handler sends."""
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.data is not None:
            body["data"] = self.data
        return body


class CustomException(Exception):
    """Base for application exceptions that carry no HTTP meaning of their own."""


class BadRequest(BaseHttpException):
    status_code = HttpStatus.BAD_REQUEST
    default_message = "Bad request"


class Unauthorized(BaseHttpException):
    status_code = HttpStatus.UNAUTHORIZED
    default_message = "Unauthorized"


class Forbidden(BaseHttpException):
    status_code = HttpStatus.FORBIDDEN
    default_message = "Forbidden"


class NotFound(BaseHttpException):
    status_code = HttpStatus.NOT_FOUND
    default_message = "Not found"


class MethodNotAllowed(NotFound):
    """Raised when the path exists but not for this method; carries the ``Allow`` header.

    A subclass of :class:`NotFound` because the seed says a wrong URL *or HTTP method* raises
    NotFound: a ``@handles(NotFound)`` handler sees both. Unhandled (or with its own handler)
    it still answers 405 with ``Allow``.
    """

    status_code = HttpStatus.METHOD_NOT_ALLOWED
    default_message = "Method not allowed"

    def __init__(self, allowed: list[str] | tuple[str, ...] = (), message: str | None = None) -> None:
        self.allowed = sorted(set(allowed))
        super().__init__(message, headers={"Allow": ", ".join(self.allowed)} if self.allowed else None)


class Conflict(BaseHttpException):
    status_code = HttpStatus.CONFLICT
    default_message = "Conflict"


class RequestTimeout(BaseHttpException):
    """The request body did not arrive within ``BODY_TIMEOUT``; the connection is closed after."""

    status_code = HttpStatus.REQUEST_TIMEOUT
    default_message = "Request timeout"


class PayloadTooLarge(BaseHttpException):
    status_code = HttpStatus.REQUEST_ENTITY_TOO_LARGE
    default_message = "Request body too large"


class UnsupportedMediaType(BaseHttpException):
    status_code = HttpStatus.UNSUPPORTED_MEDIA_TYPE
    default_message = "Unsupported media type"


class UnprocessableEntity(BaseHttpException):
    status_code = HttpStatus.UNPROCESSABLE_ENTITY
    default_message = "Unprocessable entity"


class TooManyRequests(BaseHttpException):
    status_code = HttpStatus.TOO_MANY_REQUESTS
    default_message = "Too many requests"


class InternalServerError(BaseHttpException):
    status_code = HttpStatus.INTERNAL_SERVER_ERROR
    default_message = "Internal server error"


class AborterException(BaseHttpException):
    """Raised by :func:`surge.abort`."""

    status_code = HttpStatus.BAD_REQUEST


class HtmlAborterException(BaseHttpException):
    """Raised by :func:`surge.html_abort`; answered with the rendered template."""

    status_code = HttpStatus.BAD_REQUEST

    def __init__(self, template: str, status_code: int = HttpStatus.BAD_REQUEST, data: Any = None) -> None:
        self.template = template
        super().__init__(f"HTML abort with template {template!r}", status_code=status_code, data=data)
