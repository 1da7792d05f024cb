"""Finding the app the ``surge`` command works on: ``module:Attribute`` from the project folder."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from surge._imports import import_string
from surge.config import load_config
from surge.exceptions.config import ImproperlyConfigured

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.config import BaseConfig

__all__ = ["DEFAULT_TARGET", "app_config", "import_target", "instantiate", "resolve_target"]

DEFAULT_TARGET = "app:Application"


def resolve_target(target: str | None) -> str:
    """The target given, else ``$SURGE_APP``, else ``app:Application`` (the project template's)."""
    return target or os.environ.get("SURGE_APP") or DEFAULT_TARGET


def import_target(target: str) -> Any:
    """Import ``module:attr`` with the current folder importable, as ``python run.py`` would.

    Raises:
        ImproperlyConfigured: malformed target, missing module or attribute.
    """
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    return import_string(target, "app target")


def instantiate(obj: Any, target: str) -> Surge:
    """The app for ``obj``: an app class (instantiated), an app instance, or a factory function.

    Raises:
        ImproperlyConfigured: ``obj`` gives no Surge app.
    """
    from surge.app import Surge

    if isinstance(obj, Surge):
        return obj
    if callable(obj):
        app = obj()
        if isinstance(app, Surge):
            return app
    raise ImproperlyConfigured(f"app target {target!r} is not a Surge app, app class or app factory")


def app_config(obj: Any, target: str) -> BaseConfig:
    """The config of the app ``obj`` stands for, without starting anything."""
    from surge.app import Surge

    if isinstance(obj, type) and issubclass(obj, Surge):
        return load_config(obj.configs_source)
    return instantiate(obj, target).config
