"""``surge.surge``: PyJolt's ``pyjolt.pyjolt`` module (the application and its decorators) at the renamed path."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from surge._version import __version__
from surge.app import Surge, app, on_shutdown, on_startup
from surge.config import BaseConfig, load_config
from surge.controller.controller import Controller
from surge.controller.spec import controller_spec
from surge.exceptions.config import ImproperlyConfigured
from surge.routing.rules import join_paths

__all__ = [
    "MissingAppConfigurations",
    "MissingImportModule",
    "SURGE_ASCIART",
    "SURGE_VERSION",
    "ScopeType",
    "Surge",
    "T",
    "WrongModuleLoadType",
    "app",
    "app_path",
    "on_shutdown",
    "on_startup",
    "validate_config",
]

SURGE_ASCIART = r"""
  ____
 / ___| _   _ _ __ __ _  ___
 \___ \| | | | '__/ _` |/ _ \
  ___) | |_| | | | (_| |  __/
 |____/ \__,_|_|  \__, |\___|
                  |___/
An async-first Python web framework
"""
"""The banner (PyJolt's ``PYJOLT_ASCIART``)."""

SURGE_VERSION = __version__
"""The installed Surge version (PyJolt's ``PYJOLT_VERSION``)."""

T = TypeVar("T", bound=Surge[Any])


class ScopeType(StrEnum):
    """The ASGI scope types an application serves."""

    LIFESPAN = "lifespan"
    HTTP = "http"
    WEBSOCKET = "websocket"


class MissingAppConfigurations(ImproperlyConfigured):
    """The application's config class is missing, not a :class:`BaseConfig`, or invalid."""


class MissingImportModule(ImproperlyConfigured):
    """A module named in the config cannot be imported."""


class WrongModuleLoadType(ImproperlyConfigured):
    """An object named in a registry (``CONTROLLERS``, ``EXTENSIONS``, ...) is not of the kind it lists."""


def validate_config(config_obj_or_type: type[BaseConfig] | BaseConfig) -> BaseConfig:
    """The validated config: the instance itself, or an instance of the class.

    Raises:
        MissingAppConfigurations: not a :class:`BaseConfig` (class or instance), or a value is invalid.
    """
    is_class = isinstance(config_obj_or_type, type) and issubclass(config_obj_or_type, BaseConfig)
    if not (is_class or isinstance(config_obj_or_type, BaseConfig)):
        raise MissingAppConfigurations(
            f"Configs must be a surge.BaseConfig subclass, got {config_obj_or_type!r}"
        )
    try:
        return load_config(config_obj_or_type)
    except ImproperlyConfigured as exc:
        raise MissingAppConfigurations(str(exc)) from exc


def app_path(url_path: str | None = None) -> Callable[[type[T]], type[T]]:
    """Class decorator: serve every controller of the application under ``url_path`` (``"/api"``).

    The prefix goes before each controller's ``@path``; a controller registered with an explicit
    ``url_path`` (the static files) keeps it.
    """

    def decorator(cls: type[T]) -> type[T]:
        prefix = (url_path or "").rstrip("/")
        register = cls.register_controller

        def register_controller(
            self: T, controller: type[Controller], url_path: str | None = None
        ) -> Controller:
            if (
                prefix
                and url_path is None
                and isinstance(controller, type)
                and issubclass(controller, Controller)
            ):
                url_path = join_paths(prefix, controller_spec(controller).path)
            return register(self, controller, url_path)

        register_controller.__doc__ = register.__doc__
        cls.base_url_path = prefix  # type: ignore[attr-defined]
        cls.register_controller = register_controller  # type: ignore[method-assign,assignment]
        return cls

    return decorator
