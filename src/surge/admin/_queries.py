"""The SQL of the model pages: one COUNT and one page query per list, record lookup by key."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Enum, Select, String, Text, func, or_, select

from surge.admin._errors import AdminBadRequest
from surge.admin._meta import key_names, mapper_of, ordering

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.sql.elements import ColumnElement

    from surge.database.sql.extension import SqlDatabase

FILTER_PREFIX = "filter_"


@dataclass
class ListParams:
    """A list page's query: search text, sort column and direction, page, filters."""

    search: str = ""
    sort: str | None = None
    descending: bool = False
    page: int = 1
    per_page: int = 20
    filters: dict[str, str] = field(default_factory=dict)

    def query(self, **changes: Any) -> dict[str, Any]:
        """The query parameters of this list, with ``changes`` (for links)."""
        values: dict[str, Any] = {"q": self.search, "sort": self.sort or "", "order": "desc" if self.descending else "asc",
                                  "page": self.page, "per_page": self.per_page}
        values.update({FILTER_PREFIX + key: value for key, value in self.filters.items()})
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}


def columns_by_key(model: type) -> dict[str, Any]:
    """Attribute name -> its (first) Column, for the model's column attributes."""
    return {attr.key: attr.columns[0] for attr in mapper_of(model).column_attrs}


def is_searchable(column: Any) -> bool:
    """Text columns take part in the search box."""
    return isinstance(column.type, String | Text) and not isinstance(column.type, Enum)


def filter_kind(column: Any) -> str | None:
    """``bool``, ``enum`` or ``fk`` for columns a list can filter on; None for the others."""
    if isinstance(column.type, Boolean):
        return "bool"
    if isinstance(column.type, Enum):
        return "enum"
    if column.foreign_keys:
        return "fk"
    return None


def enum_values(column: Any) -> list[str]:
    """The stored values an Enum column accepts."""
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None:
        return [str(member.value if not isinstance(member, str) else member) for member in enum_class]
    return [str(value) for value in column.type.enums]


def _int_param(raw: object, name: str, default: int, low: int, high: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise AdminBadRequest(f"?{name} must be a whole number") from None
    return max(low, min(high, value))


def parse_list_params(model: type, query: Mapping[str, Any], per_page: int, max_per_page: int) -> ListParams:
    """The list parameters in ``query``; unknown sort columns and filters are ignored.

    Raises:
        AdminBadRequest: ``page`` or ``per_page`` is not a number.
    """
    columns = columns_by_key(model)
    sort = str(query.get("sort") or "") or None
    filters = {
        key[len(FILTER_PREFIX):]: str(value)
        for key, value in query.items()
        if key.startswith(FILTER_PREFIX) and str(value) != "" and key[len(FILTER_PREFIX):] in columns
        and filter_kind(columns[key[len(FILTER_PREFIX):]]) is not None
    }
    return ListParams(
        search=str(query.get("q") or "").strip()[:200],
        sort=sort if sort in columns else None,
        descending=str(query.get("order") or "").lower() == "desc",
        page=_int_param(query.get("page"), "page", 1, 1, 10**9),
        per_page=_int_param(query.get("per_page"), "per_page", per_page, 1, max_per_page),
        filters=filters,
    )


def convert(column: Any, raw: str) -> Any:
    """``raw`` as the Python value of ``column``.

    Raises:
        ValueError: ``raw`` is not a valid value of the column's type.
    """
    if isinstance(column.type, Boolean):
        if raw.lower() in ("1", "true", "on", "yes"):
            return True
        if raw.lower() in ("0", "false", "off", "no"):
            return False
        raise ValueError(raw)
    if isinstance(column.type, Enum):
        enum_class = getattr(column.type, "enum_class", None)
        if raw not in enum_values(column):
            raise ValueError(raw)
        if enum_class is not None and issubclass(enum_class, enum.Enum):
            return enum_class(raw) if raw in {str(m.value) for m in enum_class} else enum_class[raw]
        return raw
    python_type = column.type.python_type
    return python_type(raw)


def _conditions(model: type, params: ListParams) -> list[ColumnElement[bool]]:
    columns = columns_by_key(model)
    conditions: list[ColumnElement[bool]] = []
    if params.search:
        pattern = "%" + params.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        searchable = [getattr(model, key).ilike(pattern, escape="\\") for key, column in columns.items() if is_searchable(column)]
        if searchable:
            conditions.append(or_(*searchable))
    for key, raw in params.filters.items():
        try:
            conditions.append(getattr(model, key) == convert(columns[key], raw))
        except (ValueError, TypeError, KeyError):
            raise AdminBadRequest(f"?{FILTER_PREFIX}{key}={raw!r} is not a valid value") from None
    return conditions


def _ordering(model: type, params: ListParams) -> list[Any]:
    keys = [getattr(model, name) for name in key_names(model)]
    if params.sort is not None:
        column = getattr(model, params.sort)
        return [column.desc() if params.descending else column.asc(), *keys]
    order = ordering(model, "order_table_by")
    chosen: list[Any] = []
    for item in order or []:
        name = item.lstrip("-").split()[0]
        descending = item.startswith("-") or item.lower().endswith(" desc")
        if hasattr(model, name):
            chosen.append(getattr(model, name).desc() if descending else getattr(model, name).asc())
    return [*chosen, *keys]


def list_statements(model: type, params: ListParams) -> tuple[Select[Any], Select[Any]]:
    """The COUNT statement and the page statement of a list."""
    conditions = _conditions(model, params)
    count = select(func.count()).select_from(model).where(*conditions)
    page: Select[Any] = (
        select(model).where(*conditions).order_by(*_ordering(model, params))
        .limit(params.per_page).offset((params.page - 1) * params.per_page)
    )
    return count, page


async def list_page(session: AsyncSession, model: type, params: ListParams) -> tuple[int, list[Any]]:
    """``(total matching rows, the rows of the page)`` with exactly two queries."""
    count, page = list_statements(model, params)
    total = int((await session.execute(count)).scalar_one())
    rows = list((await session.execute(page)).scalars().all())
    return total, rows


def key_filters(model: type, attr_val: str) -> list[ColumnElement[bool]]:
    """Conditions selecting the record named by ``"pk/value[/pk2/value2]"``.

    Raises:
        AdminBadRequest: the path is not pairs of key names and values, or a value is invalid.
    """
    parts = attr_val.strip("/").split("/")
    keys = key_names(model)
    if len(parts) % 2 or not parts[0]:
        raise AdminBadRequest(f"{attr_val!r} is not a key path (name/value/...)")
    pairs = dict(zip(parts[::2], parts[1::2], strict=True))
    if sorted(pairs) != sorted(keys):
        raise AdminBadRequest(f"{attr_val!r} does not name the primary key {keys}")
    columns = columns_by_key(model)
    try:
        return [getattr(model, key) == convert(columns[key], value) for key, value in pairs.items()]
    except (ValueError, TypeError):
        raise AdminBadRequest(f"{attr_val!r} holds an invalid key value") from None


def key_path(record: Any) -> str:
    """The ``"pk/value"`` path of ``record`` (the inverse of :func:`key_filters`)."""
    keys = key_names(type(record))
    return "/".join(f"{key}/{getattr(record, key)}" for key in keys)


async def table_counts(database: SqlDatabase) -> list[tuple[str, int]]:
    """``(table name, row count)`` for every table of ``database``'s models."""
    tables = [table for metadata in database.metadatas for table in metadata.sorted_tables]
    counts: list[tuple[str, int]] = []
    async with database.create_session() as session:
        for table in tables:
            total = (await session.execute(select(func.count()).select_from(table))).scalar_one()
            counts.append((table.name, int(total)))
    return counts
