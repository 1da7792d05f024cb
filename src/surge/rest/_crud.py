"""The five operations of a resource, on its request's async session.

Writes are single statements: ``INSERT ... RETURNING``, ``DELETE ... RETURNING`` and the
optimistic-lock ``UPDATE ... SET version = version + 1 WHERE id = :id AND version = :v
RETURNING ...``. The database decides which of two concurrent updates of one version wins:
the other matches no row and answers 409, so no update is lost or applied twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ValidationError
from sqlalchemy import Executable, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from surge.database.sql.errors import classify_integrity_error
from surge.http.json_codec import dumps
from surge.http.response import Response
from surge.rest._model import utcnow
from surge.rest.errors import RestError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from surge.http.request import Request
    from surge.rest._resource import ResourceSpec

__all__ = [
    "Body",
    "CrudEndpoint",
    "create",
    "destroy",
    "error_response",
    "integrity_error",
    "json_response",
    "list_rows",
    "retrieve",
    "update_row",
    "validation_errors",
]

Body = BaseModel | Mapping[str, Any]
"""A write's body: the validated model, or a mapping (validated by the built-in CRUD)."""


class CrudEndpoint(Protocol):
    """The ``RestEndpoint`` serving one request, as the built-in CRUD uses it (it calls this module)."""

    request: Request
    params: dict[str, Any]
    ordering: list[tuple[str, bool]]

    @property
    def _resource(self) -> ResourceSpec:
        """The endpoint class's declaration."""
        ...

    @property
    def session(self) -> AsyncSession:
        """The request's session."""
        ...

    async def _get_queryset(self, request: Request) -> Any:
        """The base query of the list route."""
        ...

    def _serialize(self, row: object, method: str) -> dict[str, Any]:
        """The response dict of ``row``."""
        ...

    def _serialize_rows(self, rows: list[Any], method: str) -> list[dict[str, Any]]:
        """The response dicts of ``rows``."""
        ...


_CONSTRAINTS = {
    "unique": (409, "A record with the same unique value already exists"),
    "foreign_key": (409, "The record refers to a record that does not exist, or is still referred to"),
    "not_null": (422, "A required value is missing"),
    "check": (422, "A value does not satisfy a check constraint"),
    "unknown": (409, "The change conflicts with a database constraint"),
}


def json_response(request: Request, data: object, status: int = 200) -> Response:
    """A JSON response whose ``body`` is already encoded (overrides may read ``resp.body``)."""
    response = request.app.response_class(request)
    response.json(data).status(status)
    response.set_json_body(dumps(data))
    return response


def error_response(request: Request, error: RestError) -> Response:
    """The seed's error body: ``{"detail": ...}`` with the error's status and headers."""
    response = json_response(request, error.body(), error.status_code)
    response.headers.update(error.headers)
    return response


def validation_errors(exc: ValidationError, where: str | None = "body") -> list[dict[str, Any]]:
    """pydantic's errors as ``[{"loc", "msg", "type"}]`` (``loc`` starts with ``where``)."""
    prefix = [where] if where else []
    return [
        {"loc": [*prefix, *error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


def integrity_error(exc: IntegrityError) -> RestError:
    """The 409 or 422 a broken constraint answers, naming the constraint and its fields."""
    violation = classify_integrity_error(exc)
    status, message = _CONSTRAINTS[violation.kind]
    extra: dict[str, Any] = {"constraint": violation.kind}
    if violation.fields:
        extra["fields"] = list(violation.fields)
    return RestError(status, message, extra=extra)


def _validate(endpoint: CrudEndpoint, model: type[BaseModel], data: object) -> BaseModel | Response:
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return json_response(endpoint.request, {"detail": validation_errors(exc)}, 422)


def _values(spec: ResourceSpec, validated: BaseModel, partial: bool) -> dict[str, Any]:
    """The column values a write sets: given fields (PATCH), or all but database-defaulted ones left out."""
    values = validated.model_dump(exclude_unset=partial)
    if not partial:
        for field in spec.fields:
            if field.db_default and field.name not in validated.model_fields_set:
                del values[field.name]  # let the database's default (or the current value) stand
    return values


def _spec(endpoint: CrudEndpoint) -> Any:
    spec = endpoint._resource
    assert spec.info is not None and spec.schemas is not None
    return spec


async def list_rows(endpoint: CrudEndpoint, request: Request) -> Response:
    """GET on the collection: queryset, filter backends, ordering, pagination."""
    spec = _spec(endpoint)
    qs = await endpoint._get_queryset(request)
    for backend in spec.filters:
        qs = backend.filter_queryset(request, qs, endpoint)
        if hasattr(qs, "__await__"):
            qs = await qs
    columns = spec.info.table.c
    order = [(columns[name], desc) for name, desc in endpoint.ordering if name != spec.info.pk]
    order.append((columns[spec.info.pk], False))
    assert spec.paginator is not None
    body = await spec.paginator.paginate(endpoint, request, qs, order)
    return json_response(request, body)


async def retrieve(endpoint: CrudEndpoint, pk: object) -> Response:
    """GET on one row, by primary key (the queryset does not apply)."""
    spec = _spec(endpoint)
    table = spec.info.table
    row = (await endpoint.session.execute(select(table).where(table.c[spec.info.pk] == pk))).mappings().first()
    if row is None:
        return json_response(endpoint.request, {"detail": "not found"}, 404)
    return json_response(endpoint.request, endpoint._serialize(row, "GET"))


async def _write(endpoint: CrudEndpoint, statement: Executable) -> Any:
    session = endpoint.session
    try:
        return (await session.execute(statement)).mappings().first()
    except IntegrityError as exc:
        await session.rollback()
        raise integrity_error(exc) from None


async def create(endpoint: CrudEndpoint, data: Body) -> Response:
    """POST: validate, ``INSERT ... RETURNING``, 201 with the new row."""
    spec = _spec(endpoint)
    validated = _validate(endpoint, spec.schemas.create, data)
    if isinstance(validated, Response):
        return validated
    values = _values(spec, validated, partial=False)
    info = spec.info
    if info.has_timestamps:
        now = utcnow()
        values["created_at"] = now
        values["updated_at"] = now
    if info.has_version:
        values["version"] = 1
    table = info.table
    try:
        row = await _write(endpoint, insert(table).values(**values).returning(*table.c))
    except RestError as error:
        return error_response(endpoint.request, error)
    return json_response(endpoint.request, endpoint._serialize(row, "POST"), 201)


async def update_row(endpoint: CrudEndpoint, data: Body, pk: object, partial: bool) -> Response:
    """PUT (``partial=False``) or PATCH: the optimistic-lock update; 404, 409 or 200."""
    spec = _spec(endpoint)
    validated = _validate(endpoint, spec.schemas.patch if partial else spec.schemas.update, data)
    if isinstance(validated, Response):
        return validated
    values = _values(spec, validated, partial)
    info = spec.info
    table = info.table
    key = table.c[info.pk]
    conditions = [key == pk]
    if info.has_version:
        conditions.append(table.c.version == values.pop("version"))
        values["version"] = table.c.version + 1
    if info.has_timestamps:
        values["updated_at"] = utcnow()
    statement = update(table).where(*conditions).values(**values).returning(*table.c)
    try:
        row = await _write(endpoint, statement)
    except RestError as error:
        return error_response(endpoint.request, error)
    if row is None:
        exists = await endpoint.session.scalar(select(key).where(key == pk))
        if exists is None:
            return json_response(endpoint.request, {"detail": "not found"}, 404)
        return json_response(endpoint.request, {"detail": "version conflict"}, 409)
    return json_response(endpoint.request, endpoint._serialize(row, "PATCH" if partial else "PUT"))


async def destroy(endpoint: CrudEndpoint, pk: object) -> Response:
    """DELETE: 204, or 404."""
    spec = _spec(endpoint)
    table = spec.info.table
    key = table.c[spec.info.pk]
    try:
        row = await _write(endpoint, delete(table).where(key == pk).returning(key))
    except RestError as error:
        return error_response(endpoint.request, error)
    if row is None:
        return json_response(endpoint.request, {"detail": "not found"}, 404)
    return endpoint.request.app.response_class(endpoint.request).no_content()


