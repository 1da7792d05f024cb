"""Compile MongoDB-style filters to SQLite JSON1 SQL (no I/O).

Each document is one JSON text column ``doc``; a field is ``json_extract(doc, '$.a.b')``.
The semantics follow :mod:`._documents` (the reference): equality also matches an element
of an array field, ``{"f": None}`` matches a missing field, comparisons never cross types.
Every value and every JSON path is a bound parameter, never spliced into the SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

__all__ = ["compile_filter", "compile_sort", "json_path", "to_json_value"]

_NUMBER_TYPES = "('integer', 'real')"


def json_path(field: str) -> str:
    """``"a.b.0"`` -> ``'$."a"."b"[0]'``.

    Raises:
        ValueError: an empty segment or a double quote in the field name.
    """
    parts = ["$"]
    for segment in field.split("."):
        if not segment or '"' in segment:
            raise ValueError(f"Invalid field name {field!r}")
        parts.append(f"[{segment}]" if segment.isdigit() else f'."{segment}"')
    return "".join(parts)


def to_json_value(value: object) -> Any:
    """``value`` as it reads back from stored JSON (datetimes and UUIDs become strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return orjson.loads(orjson.dumps(value, default=str))


def _type_guard(value: object) -> str | None:
    if isinstance(value, bool):
        return "json_type(doc, ?) IN ('true', 'false')"
    if isinstance(value, int | float):
        return f"json_type(doc, ?) IN {_NUMBER_TYPES}"
    if isinstance(value, str):
        return "json_type(doc, ?) = 'text'"
    return None


def _equals(path: str, value: object) -> tuple[str, list[Any]]:
    value = to_json_value(value)
    if value is None:
        return "json_type(doc, ?) IS NULL OR json_type(doc, ?) = 'null'", [path, path]
    if isinstance(value, dict | list):
        return "json_extract(doc, ?) = json(?)", [path, orjson.dumps(value).decode()]
    guard = _type_guard(value)
    assert guard is not None
    direct = f"({guard} AND json_extract(doc, ?) = ?)"
    element = guard.replace("json_type(doc, ?)", "each.type")
    in_array = (
        "(json_type(doc, ?) = 'array' AND EXISTS "
        f"(SELECT 1 FROM json_each(doc, ?) AS each WHERE {element} AND each.value = ?))"
    )
    return f"{direct} OR {in_array}", [path, path, value, path, path, value]


def _compare(op: str, path: str, value: object) -> tuple[str, list[Any]]:
    value = to_json_value(value)
    guard = _type_guard(value)
    if guard is None:
        return "0", []
    sign = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
    return f"{guard} AND json_extract(doc, ?) {sign} ?", [path, path, value]


def _field(field: str, condition: object) -> tuple[str, list[Any]]:
    path = json_path(field)
    if not (isinstance(condition, Mapping) and condition and all(str(k).startswith("$") for k in condition)):
        plain, plain_params = _equals(path, condition)
        return f"({plain})", plain_params
    clauses: list[str] = []
    params: list[Any] = []
    for op, operand in condition.items():
        if op == "$eq":
            sql, extra = _equals(path, operand)
        elif op == "$ne":
            sql, extra = _equals(path, operand)
            sql = f"NOT COALESCE(({sql}), 0)"
        elif op in ("$gt", "$gte", "$lt", "$lte"):
            sql, extra = _compare(op, path, operand)
        elif op in ("$in", "$nin"):
            parts = [_equals(path, item) for item in operand]
            sql = " OR ".join(f"({part})" for part, _ in parts) or "0"
            extra = [param for _, part_params in parts for param in part_params]
            if op == "$nin":
                sql = f"NOT COALESCE(({sql}), 0)"
        elif op == "$exists":
            sql, extra = ("json_type(doc, ?) IS NOT NULL" if operand else "json_type(doc, ?) IS NULL"), [path]
        elif op == "$regex":
            flags = str(condition.get("$options", ""))
            sql, extra = "json_type(doc, ?) = 'text' AND surge_regexp(?, ?, json_extract(doc, ?))", [
                path, str(operand), flags, path,
            ]
        elif op == "$options":
            continue
        else:
            raise ValueError(f"Unsupported query operator {op}")
        clauses.append(f"({sql})")
        params.extend(extra)
    return "(" + " AND ".join(clauses or ["1"]) + ")", params


def compile_filter(filter: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
    """The WHERE clause (without the keyword) and its parameters for ``filter``.

    Raises:
        ValueError: an operator outside the supported set, or a bad field name.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for key, condition in (filter or {}).items():
        if key in ("$and", "$or", "$nor"):
            parts = [compile_filter(sub) for sub in condition]
            joiner = " AND " if key == "$and" else " OR "
            sql = joiner.join(f"({part})" for part, _ in parts) or ("1" if key == "$and" else "0")
            if key == "$nor":
                sql = f"NOT COALESCE(({sql}), 0)"
            clauses.append(f"({sql})")
            params.extend(param for _, part_params in parts for param in part_params)
        elif key.startswith("$"):
            raise ValueError(f"Unsupported query operator {key}")
        else:
            sql, extra = _field(key, condition)
            clauses.append(sql)
            params.extend(extra)
    return (" AND ".join(clauses) if clauses else "1"), params


def compile_sort(sort: Iterable[tuple[str, int]] | Mapping[str, int] | None) -> tuple[str, list[Any]]:
    """The ORDER BY clause (without the keyword; empty for no sort) and its parameters.

    Missing and null values sort first ascending, as in MongoDB; numbers before strings.
    """
    items = list(sort.items()) if isinstance(sort, Mapping) else list(sort or [])
    clauses: list[str] = []
    params: list[Any] = []
    for field, direction in items:
        path = json_path(field)
        order = "DESC" if direction < 0 else "ASC"
        clauses.append(
            "CASE WHEN json_type(doc, ?) IS NULL OR json_type(doc, ?) = 'null' THEN 0 "
            f"WHEN json_type(doc, ?) IN {_NUMBER_TYPES} OR json_type(doc, ?) IN ('true', 'false') THEN 1 "
            f"ELSE 2 END {order}, json_extract(doc, ?) {order}"
        )
        params.extend([path, path, path, path, path])
    return ", ".join(clauses), params
