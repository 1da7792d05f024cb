"""Python annotations to column types, and reflected column types back to annotations."""

from __future__ import annotations

import datetime
import types
import typing
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric, String, Table, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = [
    "SUPPORTED",
    "ExactDecimal",
    "UtcDateTime",
    "column_type",
    "output_converters",
    "python_type_of",
    "split_optional",
]

SUPPORTED = "str, int, float, bool, datetime, date, Decimal, UUID (each optionally Optional[...])"


def split_optional(annotation: object) -> tuple[bool, Any]:
    """``(nullable, inner)``: ``Optional[int]`` and ``int | None`` are nullable ints."""
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        inner = [arg for arg in args if arg is not type(None)]
        if len(inner) == 1 and len(args) == 2:
            return True, inner[0]
    return False, annotation


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC that comes back as ``Decimal`` on every database.

    SQLite has no decimal type: values go in as floats (SQLAlchemy's own conversion) and come
    back rounded to the column's scale, so the API never shows float noise.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int | None = None, scale: int | None = None) -> None:
        super().__init__(precision=precision, scale=scale)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(asdecimal=False))
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | float | None:
        if value is not None and dialect.name == "sqlite":
            return float(value)
        return value

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        result = value if isinstance(value, Decimal) else Decimal(repr(value))
        if self.scale is not None:
            result = result.quantize(Decimal(1).scaleb(-self.scale))
        return result


class UtcDateTime(TypeDecorator[datetime.datetime]):
    """A timestamp without time zone holding UTC.

    Aware datetimes are converted to UTC before they are stored, so PostgreSQL (which refuses
    aware values for ``timestamp``) and SQLite store the same thing.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime.datetime | None, dialect: Dialect) -> datetime.datetime | None:
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value


def column_type(inner: object, info: FieldInfo | None) -> TypeEngine[Any] | None:
    """The column type for the (non-Optional) annotation ``inner``; None when unsupported.

    ``info`` (a FieldInfo or None) gives ``max_length`` (VARCHAR length), ``max_digits`` and
    ``decimal_places`` (NUMERIC precision and scale).
    """
    metadata = list(getattr(info, "metadata", ()) or ())

    def constraint(name: str) -> Any:
        for item in metadata:
            value = getattr(item, name, None)
            if value is not None:
                return value
        return None

    if inner is str:
        return String(constraint("max_length"))
    if inner is bool:
        return Boolean()
    if inner is int:
        return Integer()
    if inner is float:
        return Float()
    if inner is datetime.datetime:
        return UtcDateTime()
    if inner is datetime.date:
        return Date()
    if inner is Decimal:
        places = constraint("decimal_places")
        digits = constraint("max_digits")
        return ExactDecimal(digits if places is not None or digits is not None else None, places)
    if inner is uuid.UUID:
        return Uuid()
    return None


def python_type_of(sql_type: TypeEngine[Any]) -> Any:
    """The annotation for a reflected column type (``Any`` when it has no simple one)."""
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    if isinstance(sql_type, Boolean):
        return bool
    if isinstance(sql_type, Integer):
        return int
    if isinstance(sql_type, Numeric) and not isinstance(sql_type, Float):
        return Decimal
    if isinstance(sql_type, Float):
        return float
    if isinstance(sql_type, DateTime):
        return datetime.datetime
    if isinstance(sql_type, Date):
        return datetime.date
    if isinstance(sql_type, Uuid):
        return uuid.UUID
    if isinstance(sql_type, String):
        return str
    if isinstance(sql_type, JSON):
        return Any
    try:
        python = sql_type.python_type
    except NotImplementedError:
        return Any
    return python if python in (str, int, float, bool, bytes) else Any


def _utc(value: object) -> object:
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)  # the columns store UTC
    return value


def _plain_uuid(value: object) -> object:
    if isinstance(value, uuid.UUID) and type(value) is not uuid.UUID:
        return uuid.UUID(int=value.int)  # asyncpg's UUID subclass is not JSON-encodable as such
    return value


def output_converters(table: Table) -> dict[str, Callable[[Any], object]]:
    """Column key -> function that makes a value ready for the JSON encoder (only where needed)."""
    found: dict[str, Callable[[Any], object]] = {}
    for column in table.columns:
        python = python_type_of(column.type)
        if python is datetime.datetime:
            found[str(column.key)] = _utc
        elif python is uuid.UUID:
            found[str(column.key)] = _plain_uuid
    return found
