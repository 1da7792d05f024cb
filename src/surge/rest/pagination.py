"""Paginating the list route: none, page numbers, or keyset cursors.

The cursor style is keyset pagination: a cursor holds the sort key of the last row sent, and
the next page is ``WHERE (key) > (last key) ORDER BY key LIMIT n``. With an index on the key
(the primary key always has one) a page deep into a large table costs what the first does;
``OFFSET`` would read and skip every earlier row.
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import TYPE_CHECKING, Annotated, Any, Protocol
from urllib.parse import urlencode

import orjson
from pydantic import Field as PydanticField
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Column, Select, and_, func, or_, select

from surge.rest._types import python_type_of
from surge.rest.errors import RestError

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.rest._model import TableInfo
    from surge.rest._protocols import PagedEndpoint, PaginatedResource

__all__ = ["CursorPaginator", "NoPagination", "Order", "PageNumberPaginator", "Paginator", "make_paginator"]

Order = list[tuple[Column[Any], bool]]
"""The sort of a list query: ``(column, descending)`` pairs, the primary key last."""


class Paginator(Protocol):
    """Turns the list query into the body of the list response."""

    def query_parameters(self) -> dict[str, tuple[Any, Any]]: ...

    async def paginate(self, endpoint: PagedEndpoint, request: Request, qs: Select[Any], order: Order) -> dict[str, Any]: ...


def _ordered(qs: Select[Any], order: Order, reverse: bool = False) -> Select[Any]:
    return qs.order_by(*((column.asc() if desc == reverse else column.desc()) for column, desc in order))


async def _rows(endpoint: PagedEndpoint, qs: Select[Any]) -> list[Any]:
    result = await endpoint.session.execute(qs)
    return list(result.scalars().all())


class NoPagination:
    """Every row, as ``{"results": [...]}``."""

    def query_parameters(self) -> dict[str, tuple[Any, Any]]:
        return {}

    async def paginate(self, endpoint: PagedEndpoint, request: Request, qs: Select[Any], order: Order) -> dict[str, Any]:
        rows = await _rows(endpoint, _ordered(qs, order))
        return {"results": endpoint._serialize_rows(rows, "GET")}


class PageNumberPaginator:
    """``?page=N``: ``{"count", "pages", "next", "previous", "results"}``; next and previous are URLs."""

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size

    def query_parameters(self) -> dict[str, tuple[Any, Any]]:
        page = Annotated[int, PydanticField(ge=1, description="Page number, from 1")]
        return {"page": (page, 1)}

    async def paginate(self, endpoint: PagedEndpoint, request: Request, qs: Select[Any], order: Order) -> dict[str, Any]:
        size = self.page_size
        page = int(endpoint.params.get("page") or 1)
        total = int(await endpoint.session.scalar(select(func.count()).select_from(qs.order_by(None).subquery())) or 0)
        rows = await _rows(endpoint, _ordered(qs, order).limit(size).offset((page - 1) * size))
        pages = math.ceil(total / size)
        return {
            "count": total,
            "pages": pages,
            "next": _page_url(request, page + 1) if page < pages else None,
            "previous": _page_url(request, page - 1) if 1 < page <= pages + 1 else None,
            "results": endpoint._serialize_rows(rows, "GET"),
        }


def _page_url(request: Request, page: int) -> str:
    items = [(key, value) for key, value in request.query_params.multi_items() if key != "page"]
    items.append(("page", str(page)))
    base = request.url.split("?", 1)[0]
    return f"{base}?{urlencode(items)}"


class CursorPaginator:
    """``?cursor=...``: ``{"next", "previous", "results"}``; next and previous are cursors.

    The cursor is opaque to clients (base64 of the sort key of the row it starts after, or
    before for ``previous``); a cursor made for another ordering is refused with 400.
    """

    def __init__(self, page_size: int, info: TableInfo) -> None:
        self.page_size = page_size
        self._adapters = {column.key: TypeAdapter(python_type_of(column.type)) for column in info.table.columns}

    def query_parameters(self) -> dict[str, tuple[Any, Any]]:
        cursor = Annotated[str | None, PydanticField(description="The next or previous value of a list response")]
        return {"cursor": (cursor, None)}

    def _encode(self, direction: str, ordering: str, order: Order, row: object) -> str:
        values = [self._adapters[column.key].dump_python(getattr(row, column.key), mode="json") for column, _ in order]
        raw = orjson.dumps({"d": direction, "o": ordering, "k": values})
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def _decode(self, cursor: str, ordering: str, order: Order) -> tuple[str, list[Any]]:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            data = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            direction, made_for, values = data["d"], data["o"], data["k"]
            if direction not in ("n", "p") or made_for != ordering or len(values) != len(order):
                raise ValueError("cursor does not fit this list")
            keys = [self._adapters[column.key].validate_python(value) for (column, _), value in zip(order, values, strict=True)]
        except (ValueError, KeyError, TypeError, binascii.Error, orjson.JSONDecodeError, ValidationError, UnicodeError):
            raise RestError(400, "invalid cursor") from None
        return direction, keys

    async def paginate(self, endpoint: PagedEndpoint, request: Request, qs: Select[Any], order: Order) -> dict[str, Any]:
        size = self.page_size
        ordering = endpoint.params.get("ordering") or ""
        cursor = endpoint.params.get("cursor")
        backwards = False
        if cursor:
            direction, keys = self._decode(cursor, ordering, order)
            backwards = direction == "p"
            qs = qs.where(_after(order, keys, backwards))
        rows = await _rows(endpoint, _ordered(qs, order, reverse=backwards).limit(size + 1))
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        has_next = (more and not backwards) or (backwards and bool(cursor))
        has_previous = (more and backwards) or (not backwards and bool(cursor))
        return {
            "next": self._encode("n", ordering, order, rows[-1]) if rows and has_next else None,
            "previous": self._encode("p", ordering, order, rows[0]) if rows and has_previous else None,
            "results": endpoint._serialize_rows(rows, "GET"),
        }


def _after(order: Order, keys: list[Any], backwards: bool) -> Any:
    """Rows strictly after ``keys`` in ``order`` (before, when ``backwards``), as a keyset condition."""
    clauses = []
    for index, (column, desc) in enumerate(order):
        equal = [previous == key for (previous, _), key in zip(order[:index], keys[:index], strict=True)]
        forward = desc == backwards  # ascending going forward, or descending going back
        step = column > keys[index] if forward else column < keys[index]
        clauses.append(and_(*equal, step) if equal else step)
    return or_(*clauses)


def make_paginator(spec: PaginatedResource, info: TableInfo) -> Paginator:
    """The paginator ``Meta.pagination`` asks for."""
    pagination = spec.pagination
    if pagination is None:
        return NoPagination()
    if pagination.style == "cursor":
        return CursorPaginator(pagination.page_size, info)
    return PageNumberPaginator(pagination.page_size)
