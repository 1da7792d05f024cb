"""Default responses for database errors that a client's input causes.

A unique, foreign key, not-null or check constraint violation means the request asked for
something the data does not allow: the client gets a 409 or 422 saying which rule it broke,
never a 500. So is a value the column cannot hold (an int past its range, a string too
long): 422. ``Query.one()`` finding nothing is a 404. A database that cannot be reached is a
503 with ``Retry-After`` (see :mod:`surge.database.sql.outage`). A user's ``ExceptionHandler`` for these
classes (or a base class of them other than ``Exception``) takes precedence.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DataError, IntegrityError, NoResultFound

from surge.database.sql.outage import DatabaseUnavailable

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = [
    "ConstraintViolation",
    "classify_integrity_error",
    "data_error_response",
    "install_error_handlers",
    "integrity_error_response",
    "no_result_response",
    "unavailable_response",
]

_SQLSTATES = {"23505": "unique", "23503": "foreign_key", "23502": "not_null", "23514": "check"}
_SQLITE_NAMES = {
    "SQLITE_CONSTRAINT_UNIQUE": "unique",
    "SQLITE_CONSTRAINT_PRIMARYKEY": "unique",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "foreign_key",
    "SQLITE_CONSTRAINT_NOTNULL": "not_null",
    "SQLITE_CONSTRAINT_CHECK": "check",
}
_MESSAGES = (
    ("unique", ("unique", "duplicate")),
    ("foreign_key", ("foreign key",)),
    ("not_null", ("not null", "cannot be null")),
    ("check", ("check constraint",)),
)
_RESPONSES = {
    "unique": (409, "A record with the same unique value already exists"),
    "foreign_key": (409, "The record refers to a record that does not exist, or is still referred to"),
    "not_null": (422, "A required value is missing"),
    "check": (422, "A value does not satisfy a check constraint"),
    "unknown": (409, "The change conflicts with a database constraint"),
}
_SQLITE_COLUMNS = re.compile(r"constraint failed: (.+)$", re.IGNORECASE)
_PG_KEY = re.compile(r"Key \((.+?)\)=")


@dataclass(frozen=True, slots=True)
class ConstraintViolation:
    """What an ``IntegrityError`` broke: ``kind`` is unique, foreign_key, not_null, check or unknown."""

    kind: str
    name: str | None = None
    fields: tuple[str, ...] = ()


def _driver_errors(exc: IntegrityError) -> list[Any]:
    """The DBAPI error and what it wraps (async adapters keep the driver's error as the cause)."""
    found = [exc.orig]
    cause = getattr(exc.orig, "__cause__", None)
    if cause is not None:
        found.append(cause)
    return found


def classify_integrity_error(exc: IntegrityError) -> ConstraintViolation:
    """Which constraint ``exc`` violated, from SQLSTATE (PostgreSQL), the SQLite error name, or the message."""
    errors = _driver_errors(exc)
    kind = "unknown"
    for error in errors:
        code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        sqlite_name = getattr(error, "sqlite_errorname", None)
        if code in _SQLSTATES:
            kind = _SQLSTATES[code]
            break
        if sqlite_name in _SQLITE_NAMES:
            kind = _SQLITE_NAMES[sqlite_name]
            break
    message = str(exc.orig)
    if kind == "unknown":
        lowered = message.lower()
        kind = next((k for k, words in _MESSAGES if any(word in lowered for word in words)), "unknown")
    name = next((n for e in errors if isinstance(n := getattr(e, "constraint_name", None), str)), None)
    fields: tuple[str, ...] = ()
    column = next((c for e in errors if isinstance(c := getattr(e, "column_name", None), str)), None)
    detail = next((d for e in errors if isinstance(d := getattr(e, "detail", None), str)), "")
    if column:
        fields = (column,)
    elif match := _PG_KEY.search(detail):
        fields = tuple(part.strip() for part in match.group(1).split(","))
    elif match := _SQLITE_COLUMNS.search(message.splitlines()[0] if message else ""):
        fields = tuple(part.strip().rpartition(".")[2] for part in match.group(1).split(","))
    return ConstraintViolation(kind, name, fields)


async def integrity_error_response(req: Request, exc: BaseException) -> Response:
    """409 (unique, foreign key) or 422 (not null, check) naming the broken rule."""
    assert isinstance(exc, IntegrityError)
    violation = classify_integrity_error(exc)
    status, message = _RESPONSES[violation.kind]
    data: dict[str, Any] = {"constraint": violation.kind}
    if violation.name:
        data["name"] = violation.name
    if violation.fields:
        data["fields"] = list(violation.fields)
    body = {"status": "error", "message": message, "data": data}
    return req.app.response_class(req).json(body).status(status)


async def no_result_response(req: Request, exc: BaseException) -> Response:
    """404 for ``query.one()`` that found nothing."""
    body = {"status": "error", "message": "Not found"}
    return req.app.response_class(req).json(body).status(404)


async def data_error_response(req: Request, exc: BaseException) -> Response:
    """422 for a value the database cannot store (out of range, too long, not encodable)."""
    body = {
        "status": "error",
        "message": "A value is out of range or invalid for its column",
        "data": {"constraint": "data"},
    }
    return req.app.response_class(req).json(body).status(422)


async def unavailable_response(req: Request, exc: BaseException) -> Response:
    """503 with ``Retry-After``: the database cannot be reached now (logged once per outage)."""
    assert isinstance(exc, DatabaseUnavailable)
    exc.monitor.request_failed()
    body = {"status": "error", "message": "The database is unavailable, retry later"}
    response = req.app.response_class(req).json(body).status(503)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install_error_handlers(app: Surge) -> None:
    """Register the default handlers unless the app already handles these errors specifically."""
    registry = app.exception_registry
    handlers: tuple[
        tuple[type[BaseException], Callable[[Request, BaseException], Awaitable[Response]]], ...
    ] = (
        (IntegrityError, integrity_error_response),
        (NoResultFound, no_result_response),
        (DataError, data_error_response),
        (DatabaseUnavailable, unavailable_response),
    )
    catch_all = registry.find(Exception)
    for exc_type, handler in handlers:
        existing = registry.find(exc_type)
        if existing is None or existing is catch_all:
            registry.add(exc_type, handler)
