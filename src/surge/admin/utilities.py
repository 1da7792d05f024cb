"""Small helpers of the admin dashboard: the permission and form kinds, model registration."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from surge.admin._meta import mapper_of

__all__ = ["FormType", "PermissionType", "extract_table_columns", "register_model"]

_M = TypeVar("_M", bound=type)


class FormType(StrEnum):
    """Which of a model's two forms is meant."""

    CREATE = "create"
    UPDATE = "update"


class PermissionType(StrEnum):
    """The actions the permission hooks of :class:`~surge.admin.AdminDashboard` decide on."""

    CAN_ENTER = "enter"
    CAN_VIEW = "view"
    CAN_CREATE = "create"
    CAN_UPDATE = "update"
    CAN_DELETE = "delete"


def extract_table_columns(model: type, exclude: list[str] | None = None, limit: int = 8) -> list[str]:
    """The attribute names a model's list view shows: the primary key first, then the other
    columns in alphabetical order (case-insensitive), ``limit`` names in all.

    ``exclude`` names are left out (compared case-insensitively); the key is always kept.
    """
    skipped = {name.lower() for name in exclude or []}
    columns = list(mapper_of(model).column_attrs)
    keys = [attr.key for attr in columns if any(column.primary_key for column in attr.columns)]
    others = sorted((attr.key for attr in columns if attr.key not in keys and attr.key.lower() not in skipped), key=str.lower)
    return keys + others[: max(0, limit - len(keys))]


def register_model(model: _M) -> _M:
    """Show ``model`` in the admin dashboard (models not marked stay out of it)."""
    model.__use_in_dashboard__ = True  # type: ignore[attr-defined]
    return model
