"""A model's admin settings (its ``Meta`` class) and hooks, with defaults for any declarative model.

Models of :class:`~surge.database.sql.declarative_base.DeclarativeBaseModel` carry these as
classmethods; models of ``create_declarative_base`` may declare the same ``Meta`` attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel
from sqlalchemy import inspect as sa_inspect

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Mapper

    from surge.http.request import Request


def mapper_of(model: type) -> Mapper[Any]:
    """The SQLAlchemy mapper of ``model``."""
    return cast("Mapper[Any]", sa_inspect(model))


def meta(model: type, name: str, default: Any) -> Any:
    """``model.Meta.<name>``, or ``default``."""
    return getattr(getattr(model, "Meta", None), name, default)


def excluded(model: type, kind: str) -> list[str]:
    """``Meta.exclude_from_<kind>`` (``create_form``, ``update_form``, ``table``)."""
    return list(meta(model, f"exclude_from_{kind}", []))


def labels(model: type) -> dict[str, str]:
    """``Meta.custom_labels``: column -> label."""
    return dict(meta(model, "custom_labels", {}))


def custom_fields(model: type) -> dict[str, Any]:
    """``Meta.custom_form_fields`` by the column (``name``) each fills."""
    return {field.name: field for field in meta(model, "custom_form_fields", [])}


def schema(model: type, kind: str) -> type[BaseModel] | None:
    """``Meta.<kind>_validation_shema`` (PyJolt's spelling; ``_schema`` accepted too)."""
    found = meta(model, f"{kind}_validation_shema", None) or meta(model, f"{kind}_validation_schema", None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def ordering(model: type, name: str) -> list[str] | None:
    """``Meta.order_table_by`` or ``Meta.form_fields_order``."""
    found = meta(model, name, None)
    return list(found) if found else None


def key_names(model: type) -> list[str]:
    """The attribute names of the primary key columns."""
    mapper = mapper_of(model)
    return [mapper.get_property_by_column(column).key for column in mapper.primary_key]


async def admin_create(record: Any, req: Request, data: dict[str, Any], session: AsyncSession) -> None:
    """The model's ``admin_create`` hook, or: set the values and add the record."""
    hook = getattr(record, "admin_create", None)
    if hook is not None:
        await hook(req, data, session)
        return
    for key, value in data.items():
        setattr(record, key, value)
    session.add(record)


async def admin_update(record: Any, req: Request, data: dict[str, Any], session: AsyncSession) -> None:
    """The model's ``admin_update`` hook, or: set the values."""
    hook = getattr(record, "admin_update", None)
    if hook is not None:
        await hook(req, data, session)
        return
    for key, value in data.items():
        setattr(record, key, value)


async def admin_delete(record: Any, req: Request, session: AsyncSession) -> None:
    """The model's ``admin_delete`` hook, or: delete the record."""
    hook = getattr(record, "admin_delete", None)
    if hook is not None:
        await hook(req, session)
        return
    await session.delete(record)
