"""``DeclarativeBaseModel``: PyJolt's ready-made declarative base, with its inner ``Meta``.

Models subclass it directly (``class User(DeclarativeBaseModel)``); ``__db_name__`` (default
``"db"``) says which :class:`SqlDatabase` they belong to, and ``Meta`` carries how an admin
view shows them (form and table fields, labels, validation schemas). All models on this base
share its ``metadata``; to keep several databases' tables apart, give each database its own
base with :func:`create_declarative_base`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import DeclarativeBase

from surge.database.sql.base import SurgeModel

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from surge.http.request import Request

__all__ = ["DeclarativeBaseModel", "MetaProtocol"]


class MetaProtocol(Protocol):
    """What a model's ``Meta`` may declare; every attribute is optional (read with a default)."""

    exclude_from_create_form: list[str]
    exclude_from_update_form: list[str]
    exclude_from_table: list[str]
    add_to_form: dict[str, Any]
    custom_labels: dict[str, str]
    custom_form_fields: list[Any]
    form_fields_order: list[str]
    order_table_by: list[str]
    create_validation_shema: type[BaseModel]
    update_validation_shema: type[BaseModel]


class DeclarativeBaseModel(SurgeModel, DeclarativeBase):
    """A SQLAlchemy declarative base for the models of a :class:`SqlDatabase` (PyJolt's).

    ``Model.query(session)`` builds an :class:`AsyncQuery`; the classmethods read ``Meta``
    (PyJolt's spelling ``*_validation_shema`` kept) with empty defaults.
    """

    __db_name__: ClassVar[str] = "db"
    __db_configs_name__: ClassVar[str] = "SQL_DATABASE"

    class Meta:
        """Admin metadata; override it in a model with any attributes of :class:`MetaProtocol`."""

    # -- database ---------------------------------------------------------------------------------
    @classmethod
    def db_name(cls) -> str:
        """The ``db_name`` of the :class:`SqlDatabase` this model lives in."""
        return cls.__db_name__

    @classmethod
    def db_configs_name(cls) -> str:
        """The config section of that database (``SQL_DATABASE`` by default)."""
        return cls.__db_configs_name__

    @classmethod
    def primary_keys(cls) -> tuple[ColumnElement[Any], ...] | None:
        """The primary key columns, or None for a model without one."""
        keys = tuple(sa_inspect(cls).primary_key)
        return keys or None

    @classmethod
    def primary_key_names(cls) -> list[str] | None:
        """The attribute names of the primary key columns, or None."""
        mapper = sa_inspect(cls)
        keys = mapper.primary_key
        if not keys:
            return None
        return [mapper.get_property_by_column(column).key for column in keys]

    # -- Meta -------------------------------------------------------------------------------------
    @classmethod
    def _meta(cls, name: str, default: Any) -> Any:
        return getattr(cls.Meta, name, default)

    @classmethod
    def exclude_from_create_form(cls) -> list[str]:
        """Fields left out of the create form."""
        return list(cls._meta("exclude_from_create_form", []))

    @classmethod
    def exclude_from_update_form(cls) -> list[str]:
        """Fields left out of the edit form."""
        return list(cls._meta("exclude_from_update_form", []))

    @classmethod
    def exclude_from_table(cls) -> list[str]:
        """Fields left out of the table view."""
        return list(cls._meta("exclude_from_table", []))

    @classmethod
    def form_labels_map(cls) -> dict[str, str]:
        """Field name -> label shown for it."""
        return dict(cls._meta("custom_labels", {}))

    @classmethod
    def custom_form_fields(cls) -> dict[str, Any]:
        """Custom form fields by their ``id``."""
        return {field.id: field for field in cls._meta("custom_form_fields", [])}

    @classmethod
    def add_to_form(cls) -> dict[str, Any]:
        """Extra form fields that are not columns."""
        return dict(cls._meta("add_to_form", {}))

    @classmethod
    def create_validation_schema(cls) -> type[BaseModel] | None:
        """The pydantic model validating create forms, or None."""
        schema: type[BaseModel] | None = cls._meta("create_validation_shema", None)
        return schema

    @classmethod
    def update_validation_schema(cls) -> type[BaseModel] | None:
        """The pydantic model validating edit forms, or None."""
        schema: type[BaseModel] | None = cls._meta("update_validation_shema", None)
        return schema

    @classmethod
    def order_table_by(cls) -> list[str] | None:
        """Columns the table view is ordered by, or None."""
        order = cls._meta("order_table_by", None)
        return list(order) if order is not None else None

    @classmethod
    def form_fields_order(cls) -> list[str] | None:
        """The order of the form's fields, or None."""
        order = cls._meta("form_fields_order", None)
        return list(order) if order is not None else None

    # -- admin hooks ------------------------------------------------------------------------------
    async def admin_create(self, req: Request, new_data: Mapping[str, Any], session: AsyncSession) -> None:
        """Fill this new instance from a create form and add it to ``session``; override to customise."""
        for key, value in new_data.items():
            setattr(self, key, value)
        session.add(self)

    async def admin_update(self, req: Request, new_data: Mapping[str, Any], session: AsyncSession) -> None:
        """Apply an edit form to this instance; override to customise."""
        for key, value in new_data.items():
            setattr(self, key, value)
        session.add(self)

    async def admin_delete(self, req: Request, session: AsyncSession) -> None:
        """Delete this instance; override to customise (soft delete, ...)."""
        await session.delete(self)
