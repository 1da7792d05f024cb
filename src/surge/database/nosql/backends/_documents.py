"""MongoDB-style query, update, projection and aggregation on plain dicts (no I/O).

The SQLite backend pushes filters down to SQL (``_sqlite_query``); this module is the
reference semantics it must agree with, and it runs what SQL cannot: updates, projections
and aggregation stages after the first ``$match``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

__all__ = [
    "MISSING",
    "apply_update",
    "get_path",
    "matches",
    "project",
    "regex_flags",
    "run_pipeline",
    "sort_documents",
    "upsert_seed",
]

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()

_COMPARISONS = ("$gt", "$gte", "$lt", "$lte")


def get_path(doc: object, path: str) -> Any:
    """The value at dotted ``path`` (``"a.b"``, ``"items.0"``), or :data:`MISSING`."""
    current: Any = doc
    for part in path.split("."):
        if isinstance(current, Mapping):
            if part not in current:
                return MISSING
            current = current[part]
        elif isinstance(current, list) and part.isdigit():
            index = int(part)
            if index >= len(current):
                return MISSING
            current = current[index]
        else:
            return MISSING
    return current


def _same_bracket(left: object, right: object) -> bool:
    """MongoDB compares numbers with numbers, strings with strings, booleans with booleans."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool)
    if isinstance(left, int | float) and isinstance(right, int | float):
        return True
    return isinstance(left, str) and isinstance(right, str)


def _scalar_equal(value: object, expected: object) -> bool:
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    if isinstance(value, int | float) and isinstance(expected, int | float):
        return value == expected
    return type(value) is type(expected) and bool(value == expected)


def _equals(value: object, expected: object) -> bool:
    if expected is None:
        return value is MISSING or value is None
    if value is MISSING:
        return False
    if _scalar_equal(value, expected):
        return True
    if isinstance(value, list) and not isinstance(expected, list):
        return any(_scalar_equal(item, expected) for item in value)
    return False


def _compare(op: str, value: Any, bound: Any) -> bool:
    if value is MISSING or value is None or not _same_bracket(value, bound):
        return False
    if op == "$gt":
        return bool(value > bound)
    if op == "$gte":
        return bool(value >= bound)
    if op == "$lt":
        return bool(value < bound)
    return bool(value <= bound)


def regex_flags(options: str) -> int:
    """The ``re`` flags of MongoDB's ``$options`` letters (``i``, ``m``, ``s``)."""
    flags = 0
    if "i" in options:
        flags |= re.IGNORECASE
    if "m" in options:
        flags |= re.MULTILINE
    if "s" in options:
        flags |= re.DOTALL
    return flags


def _field_matches(value: object, condition: object) -> bool:
    if isinstance(condition, Mapping) and condition and all(str(key).startswith("$") for key in condition):
        for op, operand in condition.items():
            if op == "$eq":
                ok = _equals(value, operand)
            elif op == "$ne":
                ok = not _equals(value, operand)
            elif op in _COMPARISONS:
                ok = _compare(op, value, operand)
            elif op == "$in":
                ok = any(_equals(value, item) for item in operand)
            elif op == "$nin":
                ok = not any(_equals(value, item) for item in operand)
            elif op == "$exists":
                ok = (value is not MISSING) == bool(operand)
            elif op == "$regex":
                ok = isinstance(value, str) and re.search(operand, value, regex_flags(str(condition.get("$options", "")))) is not None
            elif op == "$options":
                continue
            else:
                raise ValueError(f"Unsupported query operator {op}")
            if not ok:
                return False
        return True
    return _equals(value, condition)


def matches(doc: Mapping[str, Any], filter: Mapping[str, Any] | None) -> bool:
    """True when ``doc`` satisfies the MongoDB-style ``filter``.

    Raises:
        ValueError: an operator outside the supported set.
    """
    for key, condition in (filter or {}).items():
        if key == "$and":
            ok = all(matches(doc, sub) for sub in condition)
        elif key == "$or":
            ok = any(matches(doc, sub) for sub in condition)
        elif key == "$nor":
            ok = not any(matches(doc, sub) for sub in condition)
        elif key.startswith("$"):
            raise ValueError(f"Unsupported query operator {key}")
        else:
            ok = _field_matches(get_path(doc, key), condition)
        if not ok:
            return False
    return True


def _set_path(doc: dict[str, Any], path: str, value: object) -> None:
    parts = path.split(".")
    current: Any = doc
    for part in parts[:-1]:
        if isinstance(current, list) and part.isdigit():
            current = current[int(part)]
            continue
        current = current.setdefault(part, {})
    last = parts[-1]
    if isinstance(current, list) and last.isdigit():
        current[int(last)] = value
    else:
        current[last] = value


def _unset_path(doc: dict[str, Any], path: str) -> None:
    parent_path, _, last = path.rpartition(".")
    parent = get_path(doc, parent_path) if parent_path else doc
    if isinstance(parent, dict):
        parent.pop(last, None)


def _each(operand: object) -> list[Any]:
    """The values of ``$push`` / ``$addToSet``: ``{"$each": [...]}`` or one value."""
    if isinstance(operand, Mapping) and "$each" in operand:
        return list(operand["$each"])
    return [operand]


def _items(current: object) -> list[Any]:
    """The array at a path (empty when the path is missing)."""
    return [] if current is MISSING else list(cast(Iterable[Any], current))


def _add_to_set(doc: dict[str, Any], path: str, operand: object, current: object) -> None:
    items = _items(current)
    for value in _each(operand):
        if value not in items:
            items.append(value)
    _set_path(doc, path, items)


def _pull(doc: dict[str, Any], path: str, operand: object, current: object) -> None:
    if isinstance(current, list):
        _set_path(doc, path, [item for item in current if not _field_matches(item, operand)])


def _rename(doc: dict[str, Any], path: str, operand: object, current: object) -> None:
    if current is not MISSING:
        _unset_path(doc, path)
        _set_path(doc, cast(str, operand), current)


_UPDATE_OPERATORS: dict[str, Callable[[dict[str, Any], str, Any, Any], None]] = {
    "$set": lambda doc, path, operand, current: _set_path(doc, path, copy.deepcopy(operand)),
    "$unset": lambda doc, path, operand, current: _unset_path(doc, path),
    "$inc": lambda doc, path, operand, current: _set_path(doc, path, (0 if current is MISSING else current) + operand),
    "$mul": lambda doc, path, operand, current: _set_path(doc, path, (0 if current is MISSING else current) * operand),
    "$min": lambda doc, path, operand, current: (
        _set_path(doc, path, operand) if current is MISSING or operand < current else None
    ),
    "$max": lambda doc, path, operand, current: (
        _set_path(doc, path, operand) if current is MISSING or operand > current else None
    ),
    "$push": lambda doc, path, operand, current: _set_path(doc, path, _items(current) + _each(operand)),
    "$addToSet": _add_to_set,
    "$pull": _pull,
    "$rename": _rename,
}
"""Update operator -> ``apply(doc, path, operand, current value at path)``, changing ``doc`` in place."""


def apply_update(doc: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with the update operators applied.

    Supported: ``$set``, ``$unset``, ``$inc``, ``$mul``, ``$min``, ``$max``, ``$push``,
    ``$addToSet``, ``$pull``, ``$rename``.

    Raises:
        ValueError: ``update`` has no operators (replacement documents are not updates) or an
            unsupported one, or tries to change ``_id``.
    """
    if not update or not all(str(key).startswith("$") for key in update):
        raise ValueError("update only works with $ operators")
    result = copy.deepcopy(dict(doc))
    for op, fields in update.items():
        for path, operand in fields.items():
            if path == "_id" or path.startswith("_id."):
                raise ValueError("The _id field cannot be updated")
            apply = _UPDATE_OPERATORS.get(op)
            if apply is None:
                raise ValueError(f"Unsupported update operator {op}")
            apply(result, path, operand, get_path(result, path))
    return result


def upsert_seed(filter: Mapping[str, Any] | None) -> dict[str, Any]:
    """The document an upsert starts from: the filter's plain equality fields."""
    seed: dict[str, Any] = {}
    for key, condition in (filter or {}).items():
        if key.startswith("$"):
            continue
        if isinstance(condition, Mapping) and any(str(k).startswith("$") for k in condition):
            if "$eq" in condition:
                _set_path(seed, key, condition["$eq"])
            continue
        _set_path(seed, key, condition)
    return seed


def project(doc: Mapping[str, Any], projection: Mapping[str, Any] | Iterable[str] | None) -> dict[str, Any]:
    """``doc`` reduced to (or stripped of) the projected top-level or dotted fields."""
    if projection is None:
        return dict(doc)
    if not isinstance(projection, Mapping):
        projection = dict.fromkeys(projection, 1)
    include = {key for key, flag in projection.items() if flag and key != "_id"}
    if include:
        result: dict[str, Any] = {}
        if projection.get("_id", 1) and "_id" in doc:
            result["_id"] = doc["_id"]
        for path in include:
            value = get_path(doc, path)
            if value is not MISSING:
                _set_path(result, path, value)
        return result
    result = copy.deepcopy(dict(doc))
    for path, flag in projection.items():
        if not flag:
            _unset_path(result, path)
    return result


def sort_documents(docs: list[dict[str, Any]], sort: Iterable[tuple[str, int]] | Mapping[str, int]) -> list[dict[str, Any]]:
    """``docs`` ordered by ``[(field, 1 | -1), ...]`` (missing values first, as in MongoDB)."""
    items = list(sort.items()) if isinstance(sort, Mapping) else list(sort)
    ordered = list(docs)
    for path, direction in reversed(items):

        def key(doc: dict[str, Any], path: str = path) -> tuple[int, Any]:
            value = get_path(doc, path)
            if value is MISSING or value is None:
                return (0, 0)
            if isinstance(value, bool | int | float):
                return (1, value)
            return (2, str(value))

        ordered.sort(key=key, reverse=direction < 0)
    return ordered


def _expression(doc: Mapping[str, Any], expr: object) -> Any:
    if isinstance(expr, str) and expr.startswith("$"):
        value = get_path(doc, expr[1:])
        return None if value is MISSING else value
    if isinstance(expr, Mapping):
        return {key: _expression(doc, value) for key, value in expr.items()}
    return expr


def _numbers(values: list[Any]) -> list[int | float]:
    return [value for value in values if isinstance(value, int | float) and value is not None]


_ACCUMULATORS: dict[str, Callable[[list[Any], int], Any]] = {
    "$sum": lambda values, _: sum(_numbers(values)),
    "$avg": lambda values, _: sum(numbers) / len(numbers) if (numbers := _numbers(values)) else None,
    "$min": lambda values, _: min(present) if (present := [v for v in values if v is not None]) else None,
    "$max": lambda values, _: max(present) if (present := [v for v in values if v is not None]) else None,
    "$count": lambda _, count: count,
    "$push": lambda values, _: values,
    "$addToSet": lambda values, _: [value for i, value in enumerate(values) if value not in values[:i]],
    "$first": lambda values, _: values[0] if values else None,
    "$last": lambda values, _: values[-1] if values else None,
}
"""``$group`` accumulator -> ``reduce(the group's values of its expression, the group's size)``."""


def _group(docs: list[dict[str, Any]], spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    groups: dict[str, tuple[Any, list[dict[str, Any]]]] = {}
    for doc in docs:
        group_id = _expression(doc, spec.get("_id"))
        groups.setdefault(repr(group_id), (group_id, []))[1].append(doc)
    results = []
    for group_id, members in groups.values():
        out: dict[str, Any] = {"_id": group_id}
        for field, accumulator in spec.items():
            if field == "_id":
                continue
            ((op, expr),) = accumulator.items()
            reduce = _ACCUMULATORS.get(op)
            if reduce is None:
                raise ValueError(f"Unsupported $group accumulator {op}")
            values = [_expression(doc, expr) for doc in members] if op != "$count" else []
            out[field] = reduce(values, len(members))
        results.append(out)
    return results


def run_pipeline(docs: list[dict[str, Any]], stages: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Run aggregation ``stages`` over ``docs``.

    Supported stages: ``$match``, ``$sort``, ``$skip``, ``$limit``, ``$project``, ``$group``
    (``$sum``, ``$avg``, ``$min``, ``$max``, ``$count``, ``$push``, ``$addToSet``, ``$first``,
    ``$last``), ``$count``, ``$unwind`` (a ``"$field"`` path).

    Raises:
        ValueError: an unsupported stage.
    """
    for stage in stages:
        ((name, spec),) = stage.items()
        if name == "$match":
            docs = [doc for doc in docs if matches(doc, spec)]
        elif name == "$sort":
            docs = sort_documents(docs, spec)
        elif name == "$skip":
            docs = docs[int(spec) :]
        elif name == "$limit":
            docs = docs[: int(spec)]
        elif name == "$project":
            docs = [project(doc, spec) for doc in docs]
        elif name == "$group":
            docs = _group(docs, spec)
        elif name == "$count":
            docs = [{spec: len(docs)}]
        elif name == "$unwind":
            path = spec if isinstance(spec, str) else spec["path"]
            unwound = []
            for doc in docs:
                values = get_path(doc, path.lstrip("$"))
                for value in values if isinstance(values, list) else []:
                    item = copy.deepcopy(doc)
                    _set_path(item, path.lstrip("$"), value)
                    unwound.append(item)
            docs = unwound
        else:
            raise ValueError(f"Unsupported aggregation stage {name}")
    return docs
