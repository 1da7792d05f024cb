"""Resolving ``"module:attribute"`` import strings from the config registries."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
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
        hint = _module_hint(module_name) if getattr(exc, "name", None) == module_name else ""
        raise ImproperlyConfigured(
            f"{config_key} entry {target!r}: cannot import module {module_name!r}: {exc}{hint}"
        ) from exc
    obj: Any = module
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImproperlyConfigured(
                f"{config_key} entry {target!r}: module {module_name!r} has no attribute {attr_path!r}"
                f"{_did_you_mean(part, [name for name in dir(obj) if not name.startswith('_')])}"
            ) from None
    return obj


def _did_you_mean(wrong: str, known: list[str]) -> str:
    """`` (did you mean 'X'?)`` for the closest of ``known`` (case-insensitive), or nothing."""
    by_lower = {name.lower(): name for name in known}
    close = difflib.get_close_matches(wrong.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]!r}?)" if close else ""


def _module_hint(module_name: str) -> str:
    """A close sibling module name when ``module_name``'s package imports but the module does not."""
    package_name, _, leaf = module_name.rpartition(".")
    if not package_name:
        return ""
    try:
        package = importlib.import_module(package_name)
    except ImportError:
        return ""
    siblings = [info.name for info in pkgutil.iter_modules(getattr(package, "__path__", []))]
    hint = _did_you_mean(leaf, siblings)
    return hint.replace("'", f"'{package_name}.", 1) if hint else ""
