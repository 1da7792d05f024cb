"""``Field()``: pydantic's Field plus the column options of a REST resource.

The column options (``foreign_key``, ``unique``, ``index``, ``exclude``) are kept in
``json_schema_extra`` under one private key, as the seed does, and are stripped before the
field reaches a pydantic model or the OpenAPI document. ``decimal_places`` and ``max_digits``
are both a validation rule and the column's scale and precision.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from pydantic import Field as PydanticField
from pydantic.fields import FieldInfo

__all__ = ["ColumnOptions", "Field", "clone_field", "column_options", "strip_column_options"]

_KEY = "__surge_rest_column__"


@dataclass(frozen=True, slots=True)
class ColumnOptions:
    """What a field asks of its database column."""

    foreign_key: str | None = None
    unique: bool = False
    index: bool = False
    exclude: bool = False


def Field(  # noqa: N802 - the seed's name for a function that builds a FieldInfo
    default: Any = ...,
    *,
    foreign_key: str | None = None,
    unique: bool = False,
    index: bool = False,
    exclude: bool = False,
    **kwargs: Any,
) -> Any:
    """A resource field: every ``pydantic.Field`` argument, plus the column options.

    Args:
        foreign_key: ``"table.column"``; the column gets a FOREIGN KEY constraint.
        unique: a UNIQUE constraint (a duplicate write answers 409).
        index: a database index on the column.
        exclude: no column and no schema field at all.
        kwargs: pydantic's (``min_length``, ``ge``, ``decimal_places``, ``description`` ...).
    """
    options = ColumnOptions(foreign_key, unique, index, exclude)
    extra = kwargs.pop("json_schema_extra", None)
    if extra is not None and not isinstance(extra, dict):
        raise TypeError("json_schema_extra of a REST field must be a dict")
    merged = dict(extra or {})
    merged[_KEY] = options
    return PydanticField(default, json_schema_extra=merged, **kwargs)


def column_options(info: FieldInfo | None) -> ColumnOptions:
    """The column options of ``info`` (defaults for a plain pydantic field or none)."""
    extra = info.json_schema_extra if info is not None else None
    if isinstance(extra, dict):
        found = extra.get(_KEY)
        if isinstance(found, ColumnOptions):
            return found
        # A pydantic Field(json_schema_extra={"unique": True}) written as in the seed works too.
        target = extra.get("foreign_key")
        return ColumnOptions(
            foreign_key=target if isinstance(target, str) else None,
            unique=bool(extra.get("unique", False)),
            index=bool(extra.get("index", False)),
            exclude=bool(extra.get("exclude", False)),
        )
    return ColumnOptions()


_SEED_KEYS = frozenset({_KEY, "foreign_key", "unique", "index", "exclude"})


def strip_column_options(info: FieldInfo) -> FieldInfo:
    """A copy of ``info`` without the column options, for a pydantic model."""
    extra = info.json_schema_extra
    if not isinstance(extra, dict) or not (_SEED_KEYS & extra.keys()):
        return info
    remaining = {key: value for key, value in extra.items() if key not in _SEED_KEYS}
    return clone_field(info, json_schema_extra=remaining or None)


def clone_field(info: FieldInfo, **changes: object) -> FieldInfo:
    """A copy of ``info`` (constraints kept) with some attributes changed."""
    clone = copy.copy(info)
    attributes = dict(getattr(info, "_attributes_set", {}))
    for name, value in changes.items():
        setattr(clone, name, value)
        if value is None and name == "json_schema_extra":
            attributes.pop(name, None)
        else:
            attributes[name] = value
    clone._attributes_set = attributes
    return clone
