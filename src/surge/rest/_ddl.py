"""Creating the tables of registered resources at startup (``REST_API.CREATE_TABLES``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Connection, MetaData, Table

from surge.rest._model import REST_METADATA

if TYPE_CHECKING:
    from surge.database.sql import SqlDatabase
    from surge.rest._resource import ResourceSpec

__all__ = ["create_tables"]


async def create_tables(db: SqlDatabase, specs: list[ResourceSpec]) -> None:
    """Create the missing declared tables (and the tables their foreign keys need), and add the
    declared columns that partially reflected tables lack."""
    declared = [spec.info.table for spec in specs if not spec.reflect and spec.info is not None]
    tables = _with_foreign_targets(declared, db.metadatas)
    partial = [spec.info for spec in specs if spec.info is not None and spec.info.missing_columns]
    async with db.engine.begin() as connection:
        if tables:

            def create(sync: Connection) -> None:
                REST_METADATA.create_all(sync, tables=tables)

            await connection.run_sync(create)
        for info in partial:
            await connection.run_sync(_add_columns, info.table, info.missing_columns)


def _with_foreign_targets(tables: list[Table], model_metadatas: list[MetaData]) -> list[Table]:
    """``tables`` plus the tables their foreign keys point at (they must exist first).

    A target that is not a resource but a model of the same database (``MODELS``) is copied
    into the resources' metadata, so the constraint can be written.

    Raises:
        ConfigurationError: a foreign key points at a table that is neither.
    """
    from surge.rest.errors import ConfigurationError

    found = list({table.name: table for table in tables}.values())  # resources may share a table
    index = 0
    while index < len(found):
        for key in found[index].foreign_keys:
            name = key.target_fullname.rsplit(".", 1)[0]
            target = REST_METADATA.tables.get(name)
            if target is None:
                model_table = next((m.tables[name] for m in model_metadatas if name in m.tables), None)
                if model_table is None:
                    raise ConfigurationError(
                        f"Table {found[index].name!r}: foreign_key {key.target_fullname!r} points at a table that is "
                        "neither a resource nor a model listed in MODELS"
                    )
                target = model_table.to_metadata(REST_METADATA)
            if all(target.name != known.name for known in found):
                found.append(target)
        index += 1
    return found


def _add_columns(connection: Connection, table: Table, columns: tuple[Column[Any], ...]) -> None:
    """``ALTER TABLE ... ADD COLUMN`` for declared columns a reflected table lacks (nullable:
    existing rows have no value)."""
    from sqlalchemy import inspect, text
    from sqlalchemy.schema import CreateColumn

    existing = {column["name"] for column in inspect(connection).get_columns(table.name)}
    preparer = connection.dialect.identifier_preparer
    for column in columns:
        if column.name in existing:
            continue
        ddl = CreateColumn(Column(column.name, column.type, nullable=True)).compile(dialect=connection.dialect)
        connection.execute(text(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {ddl}"))
