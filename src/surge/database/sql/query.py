"""``Model.query(session)``: a chainable SELECT builder with awaitable executors."""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
from collections.abc import Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import ColumnExpressionArgument, Select, SQLColumnExpression, bindparam, func, inspect, select
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption

from surge.database.sql.rows import fetch_dicts
from surge.exceptions.http import BadRequest

__all__ = ["AsyncQuery", "ColumnRef", "Neighbor"]

T = TypeVar("T")

ColumnRef = str | SQLColumnExpression[Any]
"""A column for :meth:`AsyncQuery.like`: its attribute name, or the attribute or expression itself."""


# PERF: ``Model.query(s).filter_by(id=x)`` is the common query. Its statement depends only on
# the model and the keyword names, so it is built once with bind parameters and reused: SQLAlchemy
# then skips building the SELECT and finds its compiled form by a memoized cache key.
_SHAPES: dict[tuple[Any, ...], Select[Any]] = {}
_SHAPES_MAX = 1024  # shapes come from code; a bound keeps kwargs built from input from growing it
# Values bound as they are: a None (IS NULL), an expression or an object (a relationship) is not.
_BINDABLE = frozenset(
    {int, str, float, bool, bytes, uuid.UUID, decimal.Decimal, datetime.datetime, datetime.date, datetime.time}
)


def _shape(model: Any, keys: tuple[str, ...] = (), limit_one: bool = False) -> Select[Any]:
    """The shared ``select(model)`` with ``key = :key`` for each of ``keys`` (Selects are immutable)."""
    cache_key = (model, keys, limit_one)
    statement = _SHAPES.get(cache_key)
    if statement is None:
        if limit_one:
            statement = _shape(model, keys).limit(1)
        elif keys:
            statement = _shape(model).filter_by(**{key: bindparam(key) for key in keys})
        else:
            statement = select(model)
        if len(_SHAPES) >= _SHAPES_MAX:
            _SHAPES.clear()
        _SHAPES[cache_key] = statement
    return statement


class Neighbor(NamedTuple, Generic[T]):
    """A row found by :meth:`AsyncQuery.nearest` and its distance to the query vector."""

    row: T
    distance: float


class AsyncQuery(Generic[T]):
    """A SELECT of one model, built by chaining and run by awaiting an executor.

    Builders (``where``, ``filter``, ``filter_by``, ``join``, ``order_by``, ``limit``,
    ``offset``, ``like``, ``ilike``, ``options``) return the query itself; executors
    (``all``, ``first``, ``one``, ``dicts``, ``one_dict``, ``count``, ``paginate``) run it
    in the session.
    """

    __slots__ = ("_bound", "_built", "_model", "_session")

    def __init__(self, session: AsyncSession, model: type[T]) -> None:
        self._session = session
        self._model = model
        self._built: Select[Any] | None = None  # None: the shared select(model) (+ _bound)
        self._bound: dict[str, Any] | None = None  # values of a first filter_by, run as a shape

    @property
    def _statement(self) -> Select[Any]:
        built = self._built
        if built is None:
            bound = self._bound
            built = self._built = _shape(self._model) if bound is None else _shape(self._model).filter_by(**bound)
            self._bound = None
        return built

    @_statement.setter
    def _statement(self, statement: Select[Any]) -> None:
        self._built = statement
        self._bound = None

    async def _run(self, limit_one: bool = False) -> Any:
        """Execute the query; a pristine one or a lone ``filter_by`` runs its cached shape."""
        if self._built is None:
            bound = self._bound
            keys = () if bound is None else tuple(bound)
            return await self._session.execute(_shape(self._model, keys, limit_one), bound)
        return await self._session.execute(self._built.limit(1) if limit_one else self._built)

    @property
    def statement(self) -> Select[Any]:
        """The SQLAlchemy ``Select`` built so far (for anything the builders do not cover)."""
        return self._statement

    @property
    def session(self) -> AsyncSession:
        """The session the query runs in."""
        return self._session

    # -- builders ---------------------------------------------------------------------------
    def where(self, *conditions: ColumnExpressionArgument[bool]) -> AsyncQuery[T]:
        """Add WHERE conditions (joined with AND); same as :meth:`filter`."""
        self._statement = self._statement.where(*conditions)
        return self

    def filter(self, *conditions: ColumnExpressionArgument[bool]) -> AsyncQuery[T]:
        """Add WHERE conditions (joined with AND)."""
        return self.where(*conditions)

    def filter_by(self, **kwargs: object) -> AsyncQuery[T]:
        """Add ``column == value`` conditions by attribute name: ``filter_by(email=x)``."""
        if self._built is None and self._bound is None and kwargs and all(type(v) in _BINDABLE for v in kwargs.values()):
            _shape(self._model, tuple(kwargs))  # an unknown name raises here, as filter_by does
            self._bound = kwargs
            return self
        self._statement = self._statement.filter_by(**kwargs)
        return self

    def join(self, other_model: Any, *onclause: Any, isouter: bool = False) -> AsyncQuery[T]:
        """JOIN another model (the ON clause is inferred from the foreign key when omitted)."""
        self._statement = self._statement.join(other_model, *onclause, isouter=isouter)
        return self

    def limit(self, num: int) -> AsyncQuery[T]:
        """Return at most ``num`` rows."""
        self._statement = self._statement.limit(num)
        return self

    def offset(self, num: int) -> AsyncQuery[T]:
        """Skip the first ``num`` rows."""
        self._statement = self._statement.offset(num)
        return self

    def order_by(self, *columns: ColumnExpressionArgument[Any] | str) -> AsyncQuery[T]:
        """Sort by columns (``User.name``, ``User.id.desc()``)."""
        self._statement = self._statement.order_by(*columns)
        return self

    def like(self, column: ColumnRef, pattern: str, escape: str | None = None) -> AsyncQuery[T]:
        """Keep rows whose ``column`` matches the SQL LIKE ``pattern`` (column or attribute name)."""
        return self.where(self._column(column).like(pattern, escape=escape))

    def ilike(self, column: ColumnRef, pattern: str, escape: str | None = None) -> AsyncQuery[T]:
        """Case-insensitive :meth:`like` (ILIKE on PostgreSQL, lower() LIKE lower() elsewhere)."""
        return self.where(self._column(column).ilike(pattern, escape=escape))

    def options(self, *options: ExecutableOption) -> AsyncQuery[T]:
        """Loader options, e.g. ``selectinload(User.posts)`` to load relationships eagerly."""
        self._statement = self._statement.options(*options)
        return self

    def _column(self, column: ColumnRef) -> SQLColumnExpression[Any]:
        if isinstance(column, str):
            attribute = getattr(self._model, column, None)
            if not isinstance(attribute, InstrumentedAttribute):
                raise AttributeError(f"{self._model.__name__} has no column {column!r}")
            return attribute
        return column

    # -- executors --------------------------------------------------------------------------
    async def all(self) -> list[T]:
        """Every matching row."""
        result = await self._run()
        return list(result.scalars().unique().all())

    async def first(self) -> T | None:
        """The first matching row, or None."""
        result = await self._run(limit_one=True)
        return result.scalars().unique().first()

    async def one(self) -> T:
        """Exactly one row.

        Raises:
            sqlalchemy.exc.NoResultFound: no row matched (answered as 404 in an endpoint).
            sqlalchemy.exc.MultipleResultsFound: more than one row matched.
        """
        result = await self._run()
        return result.scalars().unique().one()

    async def dicts(self) -> list[dict[str, Any]]:
        """Every matching row as a dict of the model's columns (by attribute name), not objects.

        For answers built from values (JSON): no identity map, no change tracking. A plain or
        lone ``filter_by`` query on PostgreSQL with asyncpg is run by the driver directly.
        """
        if self._built is None:
            rows = await fetch_dicts(self._session, self._model, self._bound)
            if rows is not None:
                return rows
        return [self._as_dict(row) for row in await self.all()]

    async def one_dict(self) -> dict[str, Any]:
        """Exactly one row, as :meth:`dicts` gives it.

        Raises:
            sqlalchemy.exc.NoResultFound: no row matched (answered as 404 in an endpoint).
            sqlalchemy.exc.MultipleResultsFound: more than one row matched.
        """
        if self._built is None:
            rows = await fetch_dicts(self._session, self._model, self._bound)
            if rows is not None:
                if len(rows) == 1:
                    return rows[0]
                if rows:
                    raise MultipleResultsFound("Multiple rows were found when exactly one was required")
                raise NoResultFound("No row was found when one was required")
        return self._as_dict(await self.one())

    def _as_dict(self, row: T) -> dict[str, Any]:
        return {attr.key: getattr(row, attr.key) for attr in inspect(self._model).column_attrs}

    async def count(self) -> int:
        """How many rows the query returns (its LIMIT and OFFSET included)."""
        return await self._count(self._statement)

    async def _count(self, statement: Select[Any]) -> int:
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        return int((await self._session.execute(counted)).scalar_one())

    async def paginate(
        self, page: int = 1, per_page: int = 10, max_per_page: int | None = None
    ) -> dict[str, Any]:
        """One page of results with the totals a pager needs.

        Returns:
            ``{"items", "total", "page", "pages", "per_page", "has_next", "has_prev"}``; a page
            past the end has no items.

        Raises:
            BadRequest: ``page`` or ``per_page`` is below 1 (they usually come from the query string).
        """
        if page < 1:
            raise BadRequest(f"page must be 1 or more, got {page}")
        if per_page < 1:
            raise BadRequest(f"per_page must be 1 or more, got {per_page}")
        if max_per_page is not None:
            per_page = min(per_page, max_per_page)
        unpaged = self._statement.limit(None).offset(None)
        total = await self._count(unpaged)
        result = await self._session.execute(unpaged.limit(per_page).offset((page - 1) * per_page))
        pages = math.ceil(total / per_page) if total else 0
        return {
            "items": list(result.scalars().unique().all()),
            "total": total,
            "page": page,
            "pages": pages,
            "per_page": per_page,
            "has_next": page < pages,
            "has_prev": page > 1,
        }

    async def nearest(
        self, column: Any, vector: Sequence[float], k: int = 10, metric: str = "cosine"
    ) -> list[Neighbor[T]]:
        """The ``k`` rows whose vector ``column`` is nearest to ``vector``, nearest first.

        ``column`` is a vector column (``surge.ai_interface.embeddings.VectorColumn``); its
        type compiles the distance for the database (pgvector, sqlite-vec). The query's
        WHERE clauses apply; its ORDER BY and LIMIT are replaced.

        Raises:
            TypeError: ``column`` is not a vector column.
            ValueError: ``k`` is below 1 or ``metric`` is unknown.
        """
        distance_of = getattr(getattr(column, "comparator", None), "distance", None)
        if distance_of is None:
            raise TypeError(f"nearest() needs a vector column, got {column!r}")
        if k < 1:
            raise ValueError(f"k must be 1 or more, got {k}")
        distance = distance_of(vector, metric).label("distance")
        statement = self._statement.add_columns(distance).order_by(None).order_by(distance).limit(k)
        result = await self._session.execute(statement)
        return [Neighbor(row, float(value)) for row, value in result.unique().all()]

    def __repr__(self) -> str:
        return f"<AsyncQuery {self._model.__name__}: {self._statement}>"
