"""The pydantic models of a resource, built once: input (create, update, patch), output, lists.

The input models are what the endpoint pipeline validates request bodies with (422 with
field errors); the output models document responses in OpenAPI.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField
from pydantic_core import PydanticUndefined

from surge.rest._model import FieldDef, TableInfo
from surge.rest._types import python_type_of
from surge.rest.errors import ConfigurationError
from surge.rest.fields import clone_field, strip_column_options

__all__ = ["Schemas", "build_schemas", "list_model"]

_INPUT_CONFIG = ConfigDict(extra="ignore")


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


@dataclass(slots=True)
class Schemas:
    """The models and the response field lists of one resource."""

    create: type[BaseModel]
    update: type[BaseModel]
    patch: type[BaseModel]
    read: type[BaseModel]
    write: type[BaseModel]
    read_fields: tuple[str, ...]
    write_fields: tuple[str, ...]
    all_fields: tuple[str, ...]


def _input_field(field: FieldDef) -> tuple[Any, Any]:
    if field.info is not None:
        return field.annotation, strip_column_options(field.info)
    return field.annotation, ... if field.default is PydanticUndefined else field.default


def _patch_field(field: FieldDef) -> tuple[Any, Any]:
    # Absent fields stay untouched (exclude_unset); an explicit null is valid only where the
    # column is nullable, because the annotation is kept as declared.
    info: Any
    if field.info is not None:
        info = clone_field(strip_column_options(field.info), default=None, default_factory=None)
    else:
        info = PydanticField(None)
    if not field.nullable:
        info = clone_field(info, json_schema_extra=_drop_default)
    return field.annotation, info


def _checked(name: str, option: str, wanted: list[str] | None, known: tuple[str, ...]) -> tuple[str, ...]:
    if wanted is None:
        return known
    unknown = [item for item in wanted if item not in known]
    if unknown:
        raise ConfigurationError(
            f"RestEndpoint {name}: Meta.serializer {option} names unknown field(s) {unknown}; known: {list(known)}"
        )
    return tuple(wanted)


def _input_model(name: str, fields: dict[str, Any]) -> type[BaseModel]:
    return create_model(name, __config__=_INPUT_CONFIG, **fields)


def build_schemas(
    name: str,
    fields: list[FieldDef],
    info: TableInfo,
    read_fields: list[str] | None,
    write_fields: list[str] | None,
) -> Schemas:
    """Every model of resource ``name``.

    Raises:
        ConfigurationError: the serializer names a field the resource does not have.
    """
    inputs = {field.name: _input_field(field) for field in fields}
    create = _input_model(f"{name}Create", inputs)
    version: dict[str, Any] = {}
    if info.has_version:
        version["version"] = (int, PydanticField(ge=1, description="The version you read; a stale one answers 409"))
    update = _input_model(f"{name}Update", {**inputs, **version})
    patches = {field.name: _patch_field(field) for field in fields}
    patch = _input_model(f"{name}Patch", {**patches, **version})

    columns = info.table.c
    output: dict[str, Any] = {}
    output[str(info.pk)] = (info.pk_type, ...)
    declared = {field.name: field for field in fields}
    for column in columns:
        key = str(column.key)
        if key == info.pk or key in ("created_at", "updated_at", "version"):
            continue
        field = declared.get(key)
        if field is not None:
            output[key] = (field.annotation, ...)
        else:
            annotation = python_type_of(column.type)
            output[key] = (annotation | None if column.nullable and annotation is not Any else annotation, ...)
    for key, annotation in (("created_at", datetime.datetime), ("updated_at", datetime.datetime), ("version", int)):
        if key in columns:
            output[key] = (annotation | None if columns[key].nullable else annotation, ...)
    known = tuple(output)
    reads = _checked(name, "read", read_fields, known)
    writes = _checked(name, "write", write_fields, known)
    read = create_model(f"{name}Read", **{key: output[key] for key in reads})
    write = create_model(f"{name}Write", **{key: output[key] for key in writes})
    return Schemas(create, update, patch, read, write, reads, writes, known)


def list_model(name: str, read: type[BaseModel], style: str | None) -> type[BaseModel]:
    """The body of the list route: ``{"results": [...]}``, plus the pagination keys."""
    fields: dict[str, Any] = {}
    if style == "page_number":
        fields["count"] = (int, ...)
        fields["pages"] = (int, ...)
    if style is not None:
        fields["next"] = (str | None, ...)
        fields["previous"] = (str | None, ...)
    fields["results"] = (list[read], ...)  # type: ignore[valid-type]
    return create_model(f"{name}List", **fields)
