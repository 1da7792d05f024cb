"""The table behind a resource: declared from its annotations, or reflected from the database.

Declared tables of every resource share one ``MetaData`` (:data:`REST_METADATA`), so a
``foreign_key="authors.id"`` between two resources resolves. Each resource gets its own
mapped class (``Endpoint._model_class``), separate from the endpoint class itself.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
import typing
from dataclasses import dataclass
from typing import Any, get_type_hints

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import registry

from surge.rest._types import SUPPORTED, UtcDateTime, column_type, python_type_of, split_optional
from surge.rest.errors import ConfigurationError
from surge.rest.fields import ColumnOptions, column_options

__all__ = [
    "AUTO_FIELDS",
    "REST_METADATA",
    "FieldDef",
    "TableInfo",
    "collect_fields",
    "declared_table",
    "fields_from_table",
    "map_model",
    "reflect_table",
    "table_info",
    "utcnow",
]

AUTO_FIELDS = ("id", "created_at", "updated_at", "version")
REST_METADATA = MetaData()
_lock = threading.Lock()


def utcnow() -> datetime.datetime:
    """Now in UTC, without tzinfo (what the timestamp columns store)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


@dataclass(slots=True)
class FieldDef:
    """One writable field of a resource."""

    name: str
    annotation: Any  # as declared (Optional kept)
    inner: Any
    nullable: bool
    info: FieldInfo | None
    default: Any  # PydanticUndefined when required
    options: ColumnOptions
    db_default: bool = False  # reflected column the database fills in when a create leaves it out

    @property
    def required(self) -> bool:
        """True when a create request must give this field."""
        return self.default is PydanticUndefined and (self.info is None or self.info.default_factory is None)


@dataclass(slots=True)
class TableInfo:
    """What the CRUD code needs to know about a mapped table."""

    table: Table
    model: type
    pk: str
    pk_type: Any
    has_version: bool
    has_timestamps: bool
    missing_columns: tuple[Column[Any], ...] = ()  # partial reflection: declared, not in the database


def collect_fields(cls: type, base: type) -> list[FieldDef]:
    """The annotated fields of endpoint class ``cls`` (inherited ones included).

    Raises:
        ConfigurationError: an auto column is redeclared, or a type has no column mapping.
    """
    try:
        hints = get_type_hints(cls, include_extras=True)
    except Exception as exc:
        raise ConfigurationError(f"RestEndpoint {cls.__name__}: cannot resolve its annotations: {exc}") from exc
    own = set(vars(cls).get("__annotations__", {}))
    fields: list[FieldDef] = []
    for name, annotation in hints.items():
        if name.startswith("_") or typing.get_origin(annotation) is typing.ClassVar or annotation is typing.ClassVar:
            continue
        if any(name in vars(klass).get("__annotations__", {}) for klass in base.__mro__):
            continue
        if name in AUTO_FIELDS:
            if name in own:
                raise ConfigurationError(
                    f"RestEndpoint {cls.__name__}: '{name}' is added automatically and must not be declared"
                )
            continue
        value = getattr(cls, name, PydanticUndefined)
        info = value if isinstance(value, FieldInfo) else None
        options = column_options(info)
        if options.exclude:
            continue
        nullable, inner = split_optional(annotation)
        if info is not None:
            default = info.default
        else:
            default = value
        if default is PydanticUndefined and nullable and info is None:
            default = None  # `x: Optional[str]` without a value is optional, as in the seed
        if column_type(inner, info) is None:
            raise ConfigurationError(
                f"RestEndpoint {cls.__name__}.{name}: type {inner!r} has no column mapping "
                f"(supported: {SUPPORTED}); add Field(exclude=True) to keep it out of the table"
            )
        fields.append(FieldDef(name, annotation, inner, nullable, info, default, options))
    return fields


def _columns(fields: list[FieldDef]) -> list[Column[Any]]:
    columns: list[Column[Any]] = []
    for field in fields:
        args: list[Any] = []
        if field.options.foreign_key:
            args.append(ForeignKey(field.options.foreign_key))
        sql_type = column_type(field.inner, field.info)
        columns.append(
            Column(
                field.name,
                sql_type,
                *args,
                nullable=field.nullable,
                unique=field.options.unique or None,
                index=field.options.index or None,
            )
        )
    return columns


def _auto_columns() -> list[Column[Any]]:
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("created_at", UtcDateTime, default=utcnow, nullable=False),
        Column("updated_at", UtcDateTime, default=utcnow, onupdate=utcnow, nullable=False),
        Column("version", Integer, default=1, nullable=False),
    ]


def declared_table(table_name: str, fields: list[FieldDef]) -> Table:
    """A new table in :data:`REST_METADATA` (an older one of the same name is replaced)."""
    with _lock:
        existing = REST_METADATA.tables.get(table_name)
        if existing is not None:
            REST_METADATA.remove(existing)
        return Table(table_name, REST_METADATA, *_auto_columns(), *_columns(fields))


def map_model(name: str, table: Table) -> type:
    """A new class mapped onto ``table`` (imperative mapping; its attributes are the columns)."""
    model = type(name, (), {"__doc__": f"Rows of the {table.name!r} table."})
    # A registry per class: redefining a resource (tests, YAML reloads) never clashes by name.
    registry().map_imperatively(model, table)
    return model


def table_info(table: Table, model: type, missing: tuple[Column[Any], ...] = ()) -> TableInfo:
    """Describe a mapped table.

    Raises:
        ConfigurationError: the table has no primary key, or a composite one.
    """
    keys = list(table.primary_key.columns)
    if len(keys) != 1:
        raise ConfigurationError(
            f"Table {table.name!r} needs a single-column primary key to be served as a resource (it has {len(keys)})"
        )
    pk = keys[0]
    return TableInfo(
        table=table,
        model=model,
        pk=str(pk.key),
        pk_type=python_type_of(pk.type),
        has_version="version" in table.c,
        has_timestamps="created_at" in table.c and "updated_at" in table.c,
        missing_columns=missing,
    )


def fields_from_table(table: Table, declared: list[FieldDef]) -> list[FieldDef]:
    """The writable fields of a reflected table; declared fields override reflected columns."""
    by_name = {field.name: field for field in declared}
    fields: list[FieldDef] = []
    for column in table.columns:
        name = str(column.key)
        if name in by_name:
            fields.append(by_name.pop(name))
            continue
        if column.primary_key or name in AUTO_FIELDS:
            continue
        inner = python_type_of(column.type)
        nullable = bool(column.nullable)
        has_default = column.server_default is not None or column.default is not None
        annotation: Any = inner | None if nullable and inner is not Any else inner
        info: FieldInfo | None = None
        default = None if (nullable or has_default) else PydanticUndefined
        length = getattr(column.type, "length", None)
        if inner is str and isinstance(length, int):
            info = FieldInfo.from_field(default, max_length=length)
        if has_default and not nullable and info is None:
            # The database fills it in: absent from a create, it is left out of the INSERT.
            info = FieldInfo.from_field(None)
        db_default = has_default and not nullable
        fields.append(FieldDef(name, annotation, inner, nullable, info, default, ColumnOptions(), db_default))
    fields.extend(by_name.values())
    return fields


def reflect_table(
    url: str, engine_options: dict[str, Any], table_name: str, partial: list[FieldDef]
) -> tuple[Table, tuple[Column[Any], ...]]:
    """Load ``table_name``'s definition from the database, now (at registration).

    It runs on an event loop of its own in a thread, so it works whether or not the caller
    is inside a running loop; the resource's schemas must exist before the app compiles.

    Raises:
        ConfigurationError: the table does not exist (or the database cannot be reached).

    Returns:
        The table, and the declared columns of a partial reflection that the database lacks.
    """
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    metadata = MetaData()
    outcome: dict[str, Any] = {}

    def load(connection: Connection) -> None:
        if not inspect(connection).has_table(table_name):
            raise ConfigurationError(f"Table '{table_name}' does not exist in the database (Meta.reflect)")
        Table(table_name, metadata, autoload_with=connection)

    async def run() -> None:
        options = {key: value for key, value in engine_options.items() if key not in ("pool_size", "max_overflow")}
        engine = create_async_engine(url, poolclass=NullPool, **options)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(load)
        finally:
            await engine.dispose()

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name=f"surge-reflect-{table_name}")
    thread.start()
    thread.join(timeout=60)
    error = outcome.get("error")
    if isinstance(error, ConfigurationError):
        raise error
    if error is not None or thread.is_alive():
        raise ConfigurationError(f"Cannot reflect table '{table_name}': {error!r}")
    table = metadata.tables[table_name]
    missing = []
    for field in partial:
        if field.name not in table.c:
            column = _columns([field])[0]
            table.append_column(column)
            missing.append(column)
    return table, tuple(missing)
