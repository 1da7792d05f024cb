"""Where an invalid value came from: the source the error response puts first in each ``loc``.

A request reader (path, query, header, cookie, body) that fails validation records its
source in the request's scope before re-raising the pydantic ``ValidationError`` untouched:
``@handles(ValidationError)`` handlers see the error exactly as pydantic made it (``loc[0]``
is the field, as the seed's example handler expects), while the framework's default 422 says
``["query", "limit"]`` or ``["body", "email"]``. Only the failing request pays for it.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from pydantic import ValidationError

__all__ = ["SOURCES", "VALIDATION_SOURCE", "locate", "source_locs"]

SOURCES = ("path", "query", "header", "cookie", "body")
"""The first element of every ``loc`` in the framework's validation errors."""

VALIDATION_SOURCE = "surge.validation_source"
"""Scope key: ``(exception, source, sources by field)`` of the last input that failed validation."""


def locate(
    scope: MutableMapping[str, Any],
    exc: ValidationError,
    source: str = "",
    by_field: Mapping[str, str] | None = None,
) -> None:
    """Record that ``exc`` is about ``source`` (or, per first ``loc`` element, ``by_field``)."""
    scope[VALIDATION_SOURCE] = (exc, source, by_field)


def source_locs(scope: Mapping[str, Any], exc: ValidationError) -> list[list[Any]]:
    """The ``loc`` of each error of ``exc``, prefixed by its source when a reader recorded one."""
    recorded = scope.get(VALIDATION_SOURCE)
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    if recorded is None or recorded[0] is not exc:
        return [list(error["loc"]) for error in errors]
    _, source, by_field = recorded
    locs = []
    for error in errors:
        loc = error["loc"]
        where = by_field.get(str(loc[0]), source) if by_field and loc else source
        locs.append([where, *loc] if where else list(loc))
    return locs
