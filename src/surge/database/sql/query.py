"""``Model.query(session)``: a chainable SELECT builder with awaitable executors."""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnExpressionArgument, Select, SQLColumnExpression, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption

from surge.exceptions.http import BadRequest

__all__ = ["AsyncQuery", "ColumnRef"]

T = TypeVar("T")

ColumnRef = str | SQLColumnExpression[Any]
"""A column for :meth:`AsyncQuery.like`: its attribute name, or the attribute or expression itself."""


class AsyncQuery(Generic[T]):
    """A SELECT of one model, built by chaining and run by awaiting an executor.

    Builders (``where``, ``filter``, ``filter_by``, ``join``, ``order_by``, ``limit``,
    ``offset``, ``like``, ``ilike``, ``options``) return the query itself; executors
    (``all``, ``first``, ``one``, ``count``, ``paginate``) run it in the session.
    """

    __slots__ = ("_model", "_session", "_statement")

    def __init__(self, session: AsyncSession, model: type[T]) -> None:
        self._session = session
        self._model = model
        self._statement: Select[Any] = select(model)

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
        result = await self._session.execute(self._statement)
        return list(result.scalars().unique().all())

    async def first(self) -> T | None:
        """The first matching row, or None."""
        result = await self._session.execute(self._statement.limit(1))
        return result.scalars().unique().first()

    async def one(self) -> T:
        """Exactly one row.

        Raises:
            sqlalchemy.exc.NoResultFound: no row matched (answered as 404 in an endpoint).
            sqlalchemy.exc.MultipleResultsFound: more than one row matched.
        """
        result = await self._session.execute(self._statement)
        return result.scalars().unique().one()

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

    def __repr__(self) -> str:
        return f"<AsyncQuery {self._model.__name__}: {self._statement}>"
