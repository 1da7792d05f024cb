"""Filter backends of the list route: exact fields, search, ordering.

Each backend declares the query parameters it reads (so they are validated by the endpoint
pipeline and documented in OpenAPI) and narrows the query. Only the fields named in
``Meta.filtering`` are reachable: there is no way to filter or sort on another column.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator
from pydantic import Field as PydanticField
from sqlalchemy import Select, String, or_

from surge.rest.errors import ConfigurationError

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.rest._model import FieldDef, TableInfo
    from surge.rest._protocols import FilteredEndpoint, FilteredResource

__all__ = ["BaseFilter", "FieldFilter", "OrderingFilter", "SearchFilter", "validate_filtering"]


class BaseFilter:
    """A filter backend: ``query_parameters`` are validated by the pipeline, then
    ``filter_queryset`` narrows the list query (``endpoint.params`` holds their values)."""

    def query_parameters(self, spec: FilteredResource) -> dict[str, tuple[Any, Any]]:
        """``name -> (annotation, default)`` of the query parameters this backend reads."""
        return {}

    def filter_queryset(self, request: Request, qs: Select[Any], endpoint: FilteredEndpoint) -> Select[Any]:
        """The query narrowed by this backend (``qs`` unchanged by default)."""
        return qs


class FieldFilter(BaseFilter):
    """``?category=news``: exact match, one typed query parameter per ``Filtering.fields`` entry."""

    def query_parameters(self, spec: FilteredResource) -> dict[str, tuple[Any, Any]]:
        assert spec.filtering is not None
        by_name = {field.name: field for field in spec.fields}
        params: dict[str, tuple[Any, Any]] = {}
        for name in spec.filtering.fields:
            field = by_name.get(name)
            inner = field.inner if field is not None else _column_type(spec, name)
            description = f"Only rows whose {name} equals this value"
            params[name] = (Annotated[inner | None, PydanticField(description=description)], None)
        return params

    def filter_queryset(self, request: Request, qs: Select[Any], endpoint: FilteredEndpoint) -> Select[Any]:
        spec = endpoint._resource
        assert spec.filtering is not None and spec.info is not None
        columns = spec.info.table.c
        for name in spec.filtering.fields:
            value = endpoint.params.get(name)
            if value is not None:
                qs = qs.where(columns[name] == value)
        return qs


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SearchFilter(BaseFilter):
    """``?search=python``: rows where any ``Filtering.search`` field contains the term (any case)."""

    def query_parameters(self, spec: FilteredResource) -> dict[str, tuple[Any, Any]]:
        assert spec.filtering is not None
        description = "Case-insensitive substring match on: " + ", ".join(spec.filtering.search)
        return {"search": (Annotated[str | None, PydanticField(description=description, max_length=200)], None)}

    def filter_queryset(self, request: Request, qs: Select[Any], endpoint: FilteredEndpoint) -> Select[Any]:
        spec = endpoint._resource
        assert spec.filtering is not None and spec.info is not None
        term = endpoint.params.get("search")
        if not term:
            return qs
        pattern = f"%{_escape_like(term)}%"
        columns = spec.info.table.c
        return qs.where(or_(*(columns[name].ilike(pattern, escape="\\") for name in spec.filtering.search)))


class OrderingFilter(BaseFilter):
    """``?ordering=title`` or ``?ordering=-title,author``: sort by ``Filtering.ordering`` fields.

    Rows with equal values are ordered by primary key, so pages never overlap.
    """

    def query_parameters(self, spec: FilteredResource) -> dict[str, tuple[Any, Any]]:
        assert spec.filtering is not None
        allowed = tuple(spec.filtering.ordering)

        def check(value: str | None) -> str | None:
            if value is None:
                return None
            for item in value.split(","):
                if item.strip().removeprefix("-") not in allowed:
                    raise ValueError(f"cannot order by {item.strip()!r}; allowed: {', '.join(allowed)}")
            return value

        choices = ", ".join(f"{name}, -{name}" for name in allowed)
        description = f"Sort by one or more (comma-separated) of: {choices}"
        return {"ordering": (Annotated[str | None, AfterValidator(check), PydanticField(description=description)], None)}

    def filter_queryset(self, request: Request, qs: Select[Any], endpoint: FilteredEndpoint) -> Select[Any]:
        value = endpoint.params.get("ordering")
        if value:
            endpoint.ordering = [(item.strip().removeprefix("-"), item.strip().startswith("-")) for item in value.split(",")]
        return qs


def _column_type(spec: FilteredResource, name: str) -> Any:
    from surge.rest._types import python_type_of

    assert spec.info is not None
    return python_type_of(spec.info.table.c[name].type)


def validate_filtering(spec: FilteredResource, fields: list[FieldDef], info: TableInfo) -> list[Any]:
    """The backend instances of ``spec``, after checking every field name it mentions.

    Raises:
        ConfigurationError: a filter, search or ordering field is not a column, a search
            field is not a string, or a query parameter name is taken twice.
    """
    filtering = spec.filtering
    if filtering is None:
        return []
    columns = info.table.c
    for option in ("fields", "search", "ordering"):
        for name in getattr(filtering, option):
            if name not in columns:
                raise ConfigurationError(
                    f"RestEndpoint {spec.name}: Meta.filtering {option} names {name!r}, which is not a field "
                    f"(fields: {sorted(columns.keys())})"
                )
            if option == "search" and not isinstance(columns[name].type, String):
                raise ConfigurationError(f"RestEndpoint {spec.name}: Meta.filtering search field {name!r} is not a string")
    backends = []
    for backend in filtering.backends:
        instance = backend() if inspect.isclass(backend) else backend
        if not callable(getattr(instance, "filter_queryset", None)):
            raise ConfigurationError(f"RestEndpoint {spec.name}: filter backend {backend!r} has no filter_queryset()")
        backends.append(instance)
    return backends
