"""What one ``RestEndpoint`` subclass declares, checked and compiled when the class is created.

A declared resource is complete at once (table, mapped class, models). A reflected one
(``Meta.reflect``) gets its table and models when it is registered, because only the
database knows its columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel

from surge.rest._model import (
    FieldDef,
    TableInfo,
    collect_fields,
    declared_table,
    fields_from_table,
    map_model,
    reflect_table,
    table_info,
)
from surge.rest._schemas import Schemas, build_schemas, list_model
from surge.rest._types import output_converters
from surge.rest.errors import ConfigurationError
from surge.rest.options import (
    Authentication,
    Cache,
    Filtering,
    Pagination,
    Serializer,
    allowed_methods,
)

if TYPE_CHECKING:
    from surge.rest.pagination import Paginator

__all__ = ["DeclaredResource", "ResourceSpec", "bind_reflected", "describe"]

_META_OPTIONS = frozenset(
    {"authentication", "filtering", "pagination", "serializer", "cache", "reflect", "table", "abstract", "description", "tags"}
)


@dataclass(slots=True)
class ResourceSpec:
    """Everything the controller generator and the CRUD code need about one resource."""

    name: str
    table_name: str
    declared: list[FieldDef]
    methods: frozenset[str]
    reflect: bool | str
    authentication: Authentication | None
    filtering: Filtering | None
    pagination: Pagination | None
    cache: Cache | None
    read_fields: list[str] | None
    write_fields: list[str] | None
    tags: list[str] | None = None
    fields: list[FieldDef] = field(default_factory=list)
    info: TableInfo | None = None
    schemas: Schemas | None = None
    list_model: type[BaseModel] | None = None
    paginator: Paginator | None = None
    filters: list[Any] = field(default_factory=list)
    converters: dict[str, Any] = field(default_factory=dict)  # column -> fix for the JSON encoder

    @property
    def bound(self) -> bool:
        """True once the table and models exist."""
        return self.schemas is not None


class DeclaredResource(Protocol):
    """An endpoint class (``RestEndpoint`` subclass) as the modules below it see it: its declaration."""

    _resource: ClassVar[ResourceSpec]


def _meta(cls: type) -> Any:
    return getattr(cls, "Meta", None)


def _option(name: str, meta: object, key: str, kind: type | None) -> Any:
    value = getattr(meta, key, None) if meta is not None else None
    if value is not None and kind is not None and not isinstance(value, kind):
        raise ConfigurationError(f"RestEndpoint {name}: Meta.{key} must be a {kind.__name__}(...), got {value!r}")
    return value


def describe(cls: type, base: type) -> ResourceSpec:
    """Check and compile the declaration of endpoint class ``cls``.

    Raises:
        ConfigurationError: a field type, a ``Meta`` option or a serializer/filter field name
            is wrong; the message names the class and the option.
    """
    name = cls.__name__
    meta = _meta(cls)
    if meta is not None:
        unknown = sorted(key for key in vars(meta) if not key.startswith("_") and key not in _META_OPTIONS)
        if unknown:
            raise ConfigurationError(f"RestEndpoint {name}: unknown Meta option(s) {unknown}")
    reflect = getattr(meta, "reflect", False) if meta is not None else False
    if reflect not in (False, True, "partial", "full"):
        raise ConfigurationError(f"RestEndpoint {name}: Meta.reflect must be False, True or 'partial', got {reflect!r}")
    if reflect == "full":
        reflect = True
    try:
        read_fields, write_fields = Serializer.resolve(getattr(meta, "serializer", None) if meta is not None else None)
    except TypeError as exc:
        raise ConfigurationError(f"RestEndpoint {name}: Meta.serializer {exc}") from None
    table_name = getattr(meta, "table", None) if meta is not None else None
    if reflect and not table_name:
        raise ConfigurationError(f"RestEndpoint {name}: Meta.reflect needs Meta.table, the table to reflect")
    spec = ResourceSpec(
        name=name,
        table_name=table_name or f"{name.lower()}s",
        declared=collect_fields(cls, base),
        methods=allowed_methods(cls),
        reflect=reflect,
        authentication=_option(name, meta, "authentication", Authentication),
        filtering=_option(name, meta, "filtering", Filtering),
        pagination=_option(name, meta, "pagination", Pagination),
        cache=_option(name, meta, "cache", Cache),
        read_fields=read_fields,
        write_fields=write_fields,
        tags=list(getattr(meta, "tags", None) or []) or None,
    )
    if not reflect:
        table = declared_table(spec.table_name, spec.declared)
        _finish(spec, spec.declared, table_info(table, map_model(f"{name}Model", table)))
    return spec


def bind_reflected(spec: ResourceSpec, url: str, engine_options: dict[str, Any]) -> None:
    """Reflect the table of a ``Meta.reflect`` resource and build its models (once).

    Raises:
        ConfigurationError: the table does not exist, or has no single-column primary key.
    """
    if spec.bound:
        return
    partial = spec.declared if spec.reflect == "partial" else []
    if spec.reflect is True and spec.declared:
        names = [f.name for f in spec.declared]
        raise ConfigurationError(
            f"RestEndpoint {spec.name}: Meta.reflect = True takes its fields from the table; "
            f"declare {names} with reflect = 'partial' instead"
        )
    table, missing = reflect_table(url, engine_options, spec.table_name, partial)
    info = table_info(table, map_model(f"{spec.name}Model", table), missing)
    _finish(spec, fields_from_table(table, spec.declared), info)


def _finish(spec: ResourceSpec, fields: list[FieldDef], info: TableInfo) -> None:
    from surge.rest.filters import validate_filtering
    from surge.rest.pagination import make_paginator

    schemas = build_schemas(spec.name, fields, info, spec.read_fields, spec.write_fields)
    spec.fields = fields
    spec.info = info
    if spec.pagination is not None and spec.pagination.style == "cursor" and spec.filtering is not None:
        nullable = [name for name in spec.filtering.ordering if name in info.table.c and info.table.c[name].nullable]
        if nullable:
            raise ConfigurationError(
                f"RestEndpoint {spec.name}: cursor pagination cannot order by nullable field(s) {nullable}"
            )
    spec.filters = validate_filtering(spec, fields, info)
    spec.paginator = make_paginator(spec, info)
    spec.list_model = list_model(spec.name, schemas.read, spec.pagination.style if spec.pagination else None)
    spec.converters = output_converters(info.table)
    spec.schemas = schemas
