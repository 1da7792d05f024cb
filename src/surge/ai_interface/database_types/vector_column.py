"""``Vector(dim)``: an embedding column on PostgreSQL (pgvector) and SQLite (sqlite-vec).

On PostgreSQL the column is pgvector's ``VECTOR(dim)`` and gets an HNSW index for its
metric; on SQLite it is a ``BLOB`` of float32 values, the format sqlite-vec's distance
functions read (SQLite has no vector index for ordinary tables: a search scans the rows).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy import Column, Float, Index, Table, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler, TypeCompiler
from sqlalchemy.sql.elements import ColumnElement, literal
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import UserDefinedType

from surge.ai_interface.database_types._sqlite_vec import ensure_sqlite_vec, sqlite_vec_ready
from surge.exceptions.config import MissingDependency

__all__ = ["Metric", "Vector", "VectorDistance"]

Metric = Literal["cosine", "l2"]
"""Distance of a vector search: ``cosine`` (1 - cosine similarity) or ``l2`` (Euclidean)."""

_PG_OPERATORS = {"cosine": "<=>", "l2": "<->"}
_PG_INDEX_OPS = {"cosine": "vector_cosine_ops", "l2": "vector_l2_ops"}
_SQLITE_FUNCTIONS = {"cosine": "vec_distance_cosine", "l2": "vec_distance_L2"}


def _check_metric(metric: str) -> None:
    if metric not in _PG_OPERATORS:
        raise ValueError(f"unknown vector metric {metric!r}; use one of {sorted(_PG_OPERATORS)}")


class Vector(UserDefinedType[list[float]]):
    """A column of ``dimensions`` floats; values go in and come out as ``list[float]``.

    Args:
        dimensions: the vector length (the embedding model's, e.g. 384 for all-MiniLM-L6-v2).
        index: the metric to index for (``"cosine"``, ``"l2"``), or None for no index. The
            index is made on PostgreSQL only (pgvector HNSW).
    """

    cache_ok = True

    def __init__(self, dimensions: int | None = None, index: Metric | None = "cosine") -> None:
        if dimensions is not None and dimensions < 1:
            raise ValueError(f"vector dimensions must be 1 or more, got {dimensions}")
        if index is not None:
            _check_metric(index)
        self.dimensions = dimensions
        self.index = index
        ensure_sqlite_vec()

    def get_col_spec(self, **kw: Any) -> str:
        return f"VECTOR({int(self.dimensions)})" if self.dimensions else "VECTOR"

    @property
    def python_type(self) -> type[list[float]]:
        return list

    def _check(self, value: Sequence[float]) -> Sequence[float]:
        if self.dimensions and len(value) != self.dimensions:
            raise ValueError(f"expected a vector of {self.dimensions} floats, got {len(value)}")
        return value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any]:
        if dialect.name == "sqlite":

            def to_blob(value: Any) -> bytes | None:
                if value is None:
                    return None
                floats = self._check(value)
                return struct.pack(f"<{len(floats)}f", *floats)

            return to_blob

        def to_text(value: Any) -> str | None:
            if value is None:
                return None
            return "[" + ",".join(repr(float(x)) for x in self._check(value)) + "]"

        return to_text

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], list[float] | None]:
        def to_list(value: Any) -> list[float] | None:
            if value is None:
                return None
            if isinstance(value, bytes | bytearray | memoryview):
                data = bytes(value)
                return list(struct.unpack(f"<{len(data) // 4}f", data))
            if isinstance(value, str):
                inside = value.strip()[1:-1]
                return [float(x) for x in inside.split(",")] if inside else []
            return [float(x) for x in value]

        return to_list

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self if isinstance(value, list | tuple) else super().coerce_compared_value(op, value)

    class comparator_factory(UserDefinedType.Comparator[list[float]]):  # noqa: N801 - SQLAlchemy's name
        """Distances as column expressions: ``Model.embedding.distance(vector, "cosine")``."""

        def distance(self, other: Sequence[float], metric: Metric = "cosine") -> VectorDistance:
            """The distance from each row's vector to ``other`` (smaller is nearer)."""
            return VectorDistance(self.expr, literal(list(other), self.type), metric)

        def cosine_distance(self, other: Sequence[float]) -> VectorDistance:
            """1 - cosine similarity to ``other``."""
            return self.distance(other, "cosine")

        def l2_distance(self, other: Sequence[float]) -> VectorDistance:
            """Euclidean distance to ``other``."""
            return self.distance(other, "l2")


class VectorDistance(ColumnElement[float]):
    """The distance between two vector expressions, compiled for the database in use."""

    inherit_cache = True
    type = Float()

    def __init__(self, left: ColumnElement[Any], right: ColumnElement[Any], metric: str) -> None:
        _check_metric(metric)
        self.left = left
        self.right = right
        self.metric = metric

    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's traversal (cache key, copies)
        ("left", InternalTraversal.dp_clauseelement),
        ("right", InternalTraversal.dp_clauseelement),
        ("metric", InternalTraversal.dp_string),
    ]


@compiles(VectorDistance, "postgresql")
def _pg_distance(element: VectorDistance, compiler: SQLCompiler, **kw: Any) -> str:
    operator = _PG_OPERATORS[element.metric]
    return f"({compiler.process(element.left, **kw)} {operator} {compiler.process(element.right, **kw)})"


@compiles(VectorDistance, "sqlite")
def _sqlite_distance(element: VectorDistance, compiler: SQLCompiler, **kw: Any) -> str:
    if not sqlite_vec_ready():
        raise MissingDependency("sqlite-vec", "vector")
    function = _SQLITE_FUNCTIONS[element.metric]
    return f"{function}({compiler.process(element.left, **kw)}, {compiler.process(element.right, **kw)})"


@compiles(VectorDistance)
def _other_distance(element: VectorDistance, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(
        f"vector search needs PostgreSQL with pgvector or SQLite with sqlite-vec, not {compiler.dialect.name}"
    )


@compiles(Vector, "sqlite")
def _sqlite_type(element: Vector, compiler: TypeCompiler, **kw: Any) -> str:
    return "BLOB"


def _add_index(column: Column[Any], table: Any) -> None:
    """Give a vector column its pgvector HNSW index (PostgreSQL only; other databases skip it)."""
    vector = column.type
    if not isinstance(vector, Vector) or vector.index is None or not isinstance(table, Table):
        return
    Index(
        f"ix_{table.name}_{column.name}_{vector.index}",
        column,
        postgresql_using="hnsw",
        postgresql_ops={column.name: _PG_INDEX_OPS[vector.index]},
    ).ddl_if(dialect="postgresql")


event.listen(Column, "after_parent_attach", _add_index)
