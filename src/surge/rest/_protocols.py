"""What the lower REST modules need of ``RestApi``, ``RestEndpoint`` and their declarations.

Authentication backends, filter backends and paginators sit below the extension and the
endpoint class (which use them), so they see those objects through these protocols and never
import them, not even for type checking: dependencies inside ``surge.rest`` point one way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from surge.app import Surge
    from surge.auth.jwt_tokens import JwtCodec
    from surge.rest._model import FieldDef, TableInfo
    from surge.rest.config import RestApiConfig

__all__ = [
    "ApiContext",
    "FilterOptions",
    "FilteredEndpoint",
    "FilteredResource",
    "PageOptions",
    "PagedEndpoint",
    "PaginatedResource",
]


class ApiContext(Protocol):
    """The ``RestApi`` an authentication backend is configured with."""

    @property
    def app(self) -> Surge:
        """The application the RestApi is bound to."""
        ...

    @property
    def configs_name(self) -> str:
        """The config section (``REST_API``)."""
        ...

    @property
    def config(self) -> RestApiConfig:
        """The validated config section."""
        ...

    @property
    def jwt(self) -> JwtCodec:
        """The HS256 codec of the RestApi's tokens."""
        ...

    @property
    def has_login_validator(self) -> bool:
        """True when a login validator is configured."""
        ...

    async def validate_login(self, username: str, password: str) -> dict[str, Any] | None:
        """The user payload for these credentials (None: refused)."""
        ...


class FilterOptions(Protocol):
    """``Meta.filtering`` (a ``Filtering``), as the filter backends read it."""

    @property
    def fields(self) -> list[str]:
        """Exact-match filter fields."""
        ...

    @property
    def search(self) -> list[str]:
        """Fields ``?search=`` matches."""
        ...

    @property
    def ordering(self) -> list[str]:
        """Fields ``?ordering=`` may sort by."""
        ...

    @property
    def backends(self) -> Sequence[object]:
        """Filter backend classes or instances."""
        ...


class FilteredResource(Protocol):
    """A resource's declaration (``ResourceSpec``), as the filter backends read it."""

    @property
    def name(self) -> str:
        """The endpoint class's name."""
        ...

    @property
    def filtering(self) -> FilterOptions | None:
        """``Meta.filtering``."""
        ...

    @property
    def fields(self) -> list[FieldDef]:
        """The resource's fields."""
        ...

    @property
    def info(self) -> TableInfo | None:
        """The table, once it exists."""
        ...


class FilteredEndpoint(Protocol):
    """The ``RestEndpoint`` serving a list request, as the filter backends use it."""

    params: dict[str, Any]
    ordering: list[tuple[str, bool]]

    @property
    def _resource(self) -> FilteredResource:
        """The endpoint class's declaration."""
        ...


class PageOptions(Protocol):
    """``Meta.pagination`` (a ``Pagination``), as ``make_paginator`` reads it."""

    @property
    def style(self) -> str:
        """``"page_number"`` or ``"cursor"``."""
        ...

    @property
    def page_size(self) -> int:
        """Rows per page."""
        ...


class PaginatedResource(Protocol):
    """A resource's declaration (``ResourceSpec``), as ``make_paginator`` reads it."""

    @property
    def pagination(self) -> PageOptions | None:
        """``Meta.pagination``."""
        ...


class PagedEndpoint(Protocol):
    """The ``RestEndpoint`` serving a list request, as the paginators use it."""

    params: dict[str, Any]

    @property
    def session(self) -> AsyncSession:
        """The request's session."""
        ...

    def _serialize_rows(self, rows: list[Any], method: str) -> list[dict[str, Any]]:
        """The response dicts of ``rows``."""
        ...
