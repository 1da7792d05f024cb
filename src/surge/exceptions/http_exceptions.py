"""``surge.exceptions.http_exceptions``: PyJolt's HTTP exceptions at PyJolt's module path.

The classes that PyJolt has and Surge's :mod:`surge.exceptions.http` has not are defined here;
each derives from the Surge exception of its status, so ``@handles(NotFound)`` also sees a
:class:`StaticAssetNotFound`, and the one error responder answers them all with the JSON body
``{"status", "message", "data"}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from surge.exceptions.abort import abort, html_abort
from surge.exceptions.http import (
    AborterException,
    BadRequest,
    BaseHttpException,
    Forbidden,
    HtmlAborterException,
    NotFound,
    Unauthorized,
    UnprocessableEntity,
)
from surge.http.status import HttpStatus

__all__ = [
    "AborterException",
    "AuthenticationException",
    "BaseHttpException",
    "HtmlAborterException",
    "InvalidJWTError",
    "MissingRequestData",
    "PydanticSchemaValidationError",
    "RangeNotSatisfiable",
    "SchemaValidationError",
    "StaticAssetNotFound",
    "UnauthorizedException",
    "abort",
    "html_abort",
]


class StaticAssetNotFound(NotFound):
    """A static file (or a file sent by :func:`surge.utilities.get_file`) does not exist (404)."""

    default_message = "Static asset not found"


class RangeNotSatisfiable(StaticAssetNotFound):
    """The ``Range`` header asks for bytes the file does not have (416, with ``Content-Range: bytes */size``).

    A :class:`StaticAssetNotFound`, as in PyJolt, so ``except StaticAssetNotFound`` still catches it;
    the status is the one HTTP defines for the case.
    """

    status_code = HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE
    default_message = "Requested range not satisfiable"

    def __init__(self, size: int, message: str | None = None) -> None:
        super().__init__(message, headers={"Content-Range": f"bytes */{size}"})
        self.size = size


class MissingRequestData(BadRequest):
    """The request lacks data the endpoint needs (400)."""

    default_message = "Missing request data"


class SchemaValidationError(UnprocessableEntity):
    """Data failed validation (422); the errors travel as the body's ``data``."""

    default_message = "Data validation failed"

    def __init__(
        self, message: list[Any] | dict[str, Any] | None = None, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(self.default_message, data=message, headers=headers)
        self.errors = message


class PydanticSchemaValidationError(UnprocessableEntity):
    """Pydantic errors (``ValidationError.errors()``) as a 422 whose ``data`` maps each field to its messages.

    The field is the first item of each error's ``loc`` (``"__root__"`` when the error has none).
    """

    default_message = "Data validation failed"

    def __init__(
        self, messages: Iterable[Mapping[str, Any]], *, headers: dict[str, str] | None = None
    ) -> None:
        by_field: dict[str, list[str]] = {}
        for error in messages:
            loc = tuple(error.get("loc", ()))
            by_field.setdefault(str(loc[0]) if loc else "__root__", []).append(str(error.get("msg", "")))
        super().__init__(self.default_message, data=by_field, headers=headers)


class AuthenticationException(Unauthorized):
    """No user could be loaded for a protected endpoint (401).

    Carries a ``WWW-Authenticate`` header when the authentication scheme defines a challenge
    (Bearer, Basic). Handle it in an ``ExceptionHandler`` to redirect to a login page.
    """

    default_message = "Login required"


class UnauthorizedException(Forbidden):
    """The user is logged in but lacks the required roles (403).

    The name follows PyJolt; the HTTP meaning is *Forbidden*. ``roles`` (PyJolt's second
    argument) are the roles that were required; they travel as the body's ``data``.
    """

    default_message = "Missing user role(s)"

    def __init__(
        self,
        message: str | None = None,
        roles: Iterable[Any] | None = None,
        *,
        status_code: int | None = None,
        status: str = "error",
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.roles = list(roles) if roles is not None else []
        if data is None and roles is not None:
            data = self.roles
        super().__init__(message, status_code=status_code, status=status, data=data, headers=headers)


class InvalidJWTError(Unauthorized):
    """A JSON Web Token is malformed, forged or expired (401)."""

    default_message = "Invalid or expired token"
