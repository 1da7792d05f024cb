"""Resolving ``"module:attribute"`` import strings from the config registries."""

from __future__ import annotations

import importlib
from typing import Any

from surge.exceptions.config import ImproperlyConfigured

__all__ = ["import_string"]


def import_string(target: str, config_key: str) -> Any:
    """Import ``"package.module:attr"`` (``attr`` may be dotted).

    Raises:
        ImproperlyConfigured: the string is malformed, the module or the attribute is missing;
            the message names the config key and the entry.
    """
    if not isinstance(target, str) or ":" not in target:
        raise ImproperlyConfigured(f"{config_key} entry {target!r} must be a 'module.path:attribute' string")
    module_name, _, attr_path = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{config_key} entry {target!r}: cannot import module {module_name!r}: {exc}") from exc
    obj: Any = module
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImproperlyConfigured(
                f"{config_key} entry {target!r}: module {module_name!r} has no attribute {attr_path!r}"
            ) from None
    return obj
