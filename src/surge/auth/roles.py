"""How the default ``role_check`` reads role names from users and requirements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

__all__ = ["role_name", "roles_of"]


def role_name(role: Any) -> str:
    """The name of one role: enums by value, objects by ``.role`` or ``.name``, else ``str()``."""
    if isinstance(role, Enum):
        return str(role.value)
    if isinstance(role, str):
        return str(role)
    for attribute in ("role", "name"):
        value = getattr(role, attribute, None)
        if value is not None:
            return role_name(value)
    return str(role)


def roles_of(user: Any) -> set[str]:
    """The role names of ``user``, as the default ``role_check`` reads them.

    Looks for ``user.roles`` (or ``user["roles"]`` for dict users such as JWT claims), then
    ``role``; each role may be a string, an enum, or an object with ``.role`` or ``.name``.
    """
    raw: Any = None
    for name in ("roles", "role"):
        raw = user.get(name) if isinstance(user, Mapping) else getattr(user, name, None)
        if raw is not None:
            break
    if raw is None:
        return set()
    if isinstance(raw, str | bytes | Enum) or not isinstance(raw, Iterable):
        raw = [raw]
    return {role_name(role) for role in raw}
