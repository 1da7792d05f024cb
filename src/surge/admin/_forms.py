"""Create and edit forms generated from a model's columns, and the parsing of what they send."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    select,
)

from surge.admin import _meta
from surge.admin._meta import mapper_of
from surge.admin._queries import columns_by_key, convert, enum_values
from surge.admin.input_fields import CheckboxInput, FormField, TagsInput
from surge.admin.utilities import FormType

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from surge.http.datastructures import MultiDict

VERSION_FIELD = "_version"
FK_CHOICES_LIMIT = 1000
_LABEL_NAMES = ("name", "title", "label", "username", "email", "slug")


@dataclass
class FieldSpec:
    """One input of a generated form."""

    name: str
    label: str
    kind: str
    required: bool
    column: Any = None
    max_length: int | None = None
    choices: list[tuple[str, str]] | None = None
    custom: FormField | None = None
    complete_choices: bool = True
    attrs: dict[str, Any] = field(default_factory=dict)


def version_column(model: type) -> str | None:
    """The attribute holding the model's version (optimistic locking), or None.

    SQLAlchemy's ``version_id_col`` mapper argument wins; an integer column named ``version``
    counts too.
    """
    mapper = mapper_of(model)
    if mapper.version_id_col is not None:
        return str(mapper.get_property_by_column(mapper.version_id_col).key)
    column = columns_by_key(model).get("version")
    return "version" if column is not None and isinstance(column.type, Integer) else None


def _kind(column: Any) -> str:
    kinds: list[tuple[type, str]] = [
        (Boolean, "checkbox"), (Enum, "select"), (DateTime, "datetime"), (Date, "date"), (Time, "time"),
        (Integer, "number"), (Numeric, "decimal"), (Float, "decimal"), (JSON, "json"), (Text, "textarea"), (String, "text"),
    ]
    if column.foreign_keys:
        return "select"
    for sa_type, kind in kinds:
        if isinstance(column.type, sa_type):
            return kind
    return "text"


def _has_default(column: Any) -> bool:
    return column.default is not None or column.server_default is not None


def _is_generated_key(model: type, column: Any) -> bool:
    keys = mapper_of(model).primary_key
    return bool(column.primary_key and len(keys) == 1 and isinstance(column.type, Integer) and column.autoincrement in (True, "auto"))


def form_fields(model: type, form_type: FormType) -> list[FieldSpec]:
    """The inputs of ``model``'s create or edit form, in ``Meta.form_fields_order`` when given."""
    meta_excluded = _meta.excluded(model, "create_form" if form_type is FormType.CREATE else "update_form")
    labels = _meta.labels(model)
    custom: dict[str, FormField] = _meta.custom_fields(model)
    skip = {*meta_excluded, version_column(model)}
    specs: list[FieldSpec] = []
    for key, column in columns_by_key(model).items():
        if key in skip or _is_generated_key(model, column) or (column.primary_key and form_type is FormType.UPDATE):
            continue
        required = not column.nullable and not _has_default(column)
        spec = FieldSpec(key, labels.get(key, key.replace("_", " ").capitalize()), _kind(column), required, column)
        spec.max_length = getattr(column.type, "length", None) if isinstance(column.type, String) else None
        if isinstance(column.type, Enum):
            spec.choices = [(value, value) for value in enum_values(column)]
        if key in custom:
            spec.custom, spec.kind = custom[key], "custom"
        specs.append(spec)
    order = _meta.ordering(model, "form_fields_order")
    if order:
        rank = {name: index for index, name in enumerate(order)}
        specs.sort(key=lambda spec: rank.get(spec.name, len(rank)))
    return specs


async def load_choices(session: AsyncSession, specs: list[FieldSpec]) -> None:
    """Fill the choices of foreign-key inputs from the referenced tables (one query each)."""
    for spec in specs:
        if spec.column is None or not spec.column.foreign_keys:
            continue
        target = next(iter(spec.column.foreign_keys)).column
        table = target.table
        label = next((table.c[name] for name in _LABEL_NAMES if name in table.c and name != target.name), None)
        columns = [target] if label is None else [target, label]
        rows = (await session.execute(select(*columns).order_by(target).limit(FK_CHOICES_LIMIT + 1))).all()
        spec.complete_choices = len(rows) <= FK_CHOICES_LIMIT
        spec.choices = [(str(row[0]), f"{row[0]} · {row[1]}" if label is not None else str(row[0])) for row in rows[:FK_CHOICES_LIMIT]]


def form_value(spec: FieldSpec, value: Any) -> str:
    """``value`` as the text an input shows."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if spec.kind == "json" and not isinstance(spec.custom, TagsInput):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(getattr(value, "value", value))


def _parse_one(spec: FieldSpec, raw: str) -> Any:
    column = spec.column
    if isinstance(spec.custom, TagsInput):
        tags = [tag.strip() for tag in raw.split(",") if tag.strip()]
        return tags if spec.kind == "json" or isinstance(column.type, JSON) else ",".join(tags)
    if isinstance(column.type, JSON):
        return json.loads(raw)
    if isinstance(column.type, DateTime):
        return dt.datetime.fromisoformat(raw)
    if isinstance(column.type, Date):
        return dt.date.fromisoformat(raw)
    if isinstance(column.type, Time):
        return dt.time.fromisoformat(raw)
    if isinstance(column.type, Numeric) and not isinstance(column.type, Float):
        return decimal.Decimal(raw)
    return convert(column, raw)


_MESSAGES = {
    "checkbox": "Choose yes or no.", "select": "Choose one of the options.", "number": "Enter a whole number.",
    "decimal": "Enter a number.", "date": "Enter a date (YYYY-MM-DD).", "datetime": "Enter a date and time.",
    "time": "Enter a time (HH:MM).", "json": "Enter valid JSON.",
}


def _field_value(spec: FieldSpec, form: MultiDict, form_type: FormType) -> tuple[Any, str | None, bool]:
    """``(value, error, present)`` for one input."""
    if spec.kind == "checkbox" or isinstance(spec.custom, CheckboxInput):
        return str(form.get(spec.name, "")).lower() in ("true", "on", "1", "yes"), None, True
    raw = form.get(spec.name)
    raw = raw.strip() if isinstance(raw, str) else ""
    if raw == "":
        if spec.column.nullable:
            return None, None, True
        if _has_default(spec.column) and form_type is FormType.CREATE:
            return None, None, False
        return None, "This field is required.", True
    if spec.max_length is not None and len(raw) > spec.max_length:
        return None, f"At most {spec.max_length} characters (got {len(raw)}).", True
    try:
        value = _parse_one(spec, raw)
    except (ValueError, TypeError, ArithmeticError, json.JSONDecodeError):
        return None, _MESSAGES.get(spec.kind, "Enter a valid value."), True
    if spec.choices is not None and spec.complete_choices and spec.kind == "select" and raw not in {c[0] for c in spec.choices}:
        return None, "Choose one of the options.", True
    return value, None, True


def parse_form(specs: list[FieldSpec], form: MultiDict, form_type: FormType) -> tuple[dict[str, Any], dict[str, str]]:
    """``(values by column, error message by column)`` for a submitted form."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        value, error, present = _field_value(spec, form, form_type)
        if error is not None:
            errors[spec.name] = error
        elif present:
            data[spec.name] = value
    return data, errors


def apply_schema(schema: type[BaseModel] | None, data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """``data`` validated by the model's ``Meta`` pydantic schema (when it has one); errors added by field."""
    if schema is None or errors:
        return data
    try:
        return schema.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "__all__"
            errors.setdefault(name, str(error["msg"]))
        return data
