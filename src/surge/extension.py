"""The extension template: what every object listed in ``EXTENSIONS`` is built on.

A new extension is a config model, a ``configure`` method and the roles it provides::

    class Greeter(BaseExtension[GreeterConfig]):
        config_model = GreeterConfig          # validates the GREETER = {...} section

        def configure(self, app: Surge, config: GreeterConfig) -> None:
            app.add_on_startup_method(...)

``init_app`` always runs validate -> register -> configure, in that order, so a bad key fails
before anything is registered and ``self.app`` works inside ``configure``.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from surge._text import to_upper_snake
from surge.exceptions.config import ImproperlyConfigured, MissingDependency, config_problems
from surge.roles import Lifecycle
from surge.types import ConfigContext, ExtensionHost

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = [
    "BaseExtension",
    "NoConfig",
    "extensions_of",
    "find_extension",
    "load_section",
    "require",
    "require_installed",
    "to_upper_snake",
    "validate_section",
]

M = TypeVar("M", bound=BaseModel)
ConfigT = TypeVar("ConfigT", bound=BaseModel)
E = TypeVar("E")


def validate_section(raw: object, section: str, model: type[M]) -> M:
    """Validate one config section's raw value (a dict or a model) with ``model``.

    Raises:
        ImproperlyConfigured: a key is invalid or unknown; the message names ``SECTION.KEY``.
    """
    if isinstance(raw, BaseModel):
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{section} must be a dict, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ImproperlyConfigured(f"Invalid configuration: {config_problems(exc, section)}") from None


def load_section(app: ConfigContext, section: str, model: type[M], *, required: bool = False, owner: str = "") -> M:
    """Validate the config section ``section`` of ``app`` (a dict, or absent) with ``model``.

    Raises:
        ImproperlyConfigured: the section is missing (when required) or a key is invalid;
            the message names ``SECTION.KEY``.
    """
    raw = app.get_conf(section, None)
    if raw is None:
        if required:
            raise ImproperlyConfigured(f"Missing config section {section}" + (f" for {owner}" if owner else ""))
        raw = {}
    return validate_section(raw, section, model)


def require(module: str, extra: str, package: str | None = None) -> ModuleType:
    """Import the optional dependency ``module``.

    Raises:
        MissingDependency: it is not installed; the message names the extra to install
            (``pip install "surge[extra]"``) and the package (``package``, default ``module``'s top name).
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(package or module.split(".", 1)[0], extra) from None


def require_installed(module: str, extra: str, package: str | None = None) -> None:
    """:func:`require` without the import: the module is only looked up (PERF: an extension
    that imports its client library on first use keeps it out of an idle app's memory).

    Raises:
        MissingDependency: as :func:`require`.
    """
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        found = None
    if found is None:
        raise MissingDependency(package or module.split(".", 1)[0], extra)


def extensions_of(host: ExtensionHost, kind: type[E]) -> list[E]:
    """Every extension of ``host`` (an app, a compile context) that is an instance of ``kind``, in the order listed."""
    found: dict[int, E] = {}
    for extension in host.extensions.values():
        if isinstance(extension, kind):
            found.setdefault(id(extension), extension)
    return list(found.values())


def find_extension(host: ExtensionHost, kind: type[E], name: str | None = None) -> E | None:
    """The extension of ``host`` of type ``kind``: the one registered as ``name`` (a section name,
    any case) when given, else the first listed. None when there is none.
    """
    if name is not None:
        named = host.extensions.get(name.lower())
        return named if isinstance(named, kind) else None
    found = extensions_of(host, kind)
    return found[0] if found else None


class NoConfig(BaseModel):
    """The config model of an extension that reads no section (any keys are left alone)."""

    model_config = ConfigDict(extra="allow")


class BaseExtension(Lifecycle, Generic[ConfigT]):
    """Base class of extensions.

    Class attributes:
        config_model: the pydantic model of the config section (``NoConfig``: it reads none).
        config_required: fail at startup when the section is absent.

    ``configs_name`` (default: the class name in UPPER_SNAKE, ``SqlDatabase`` -> ``SQL_DATABASE``)
    names the config section; ``app.extensions[configs_name.lower()]`` holds the extension, so
    two apps never share state.
    """

    config_model: ClassVar[type[BaseModel]] = NoConfig
    config_required: ClassVar[bool] = False

    def __init__(self, configs_name: str | None = None) -> None:
        self.configs_name = configs_name or to_upper_snake(type(self).__name__)
        self._app: Surge | None = None

    @property
    def app(self) -> Surge:
        """The app this extension is bound to.

        Raises:
            RuntimeError: ``init_app`` has not run yet (the extension is not in ``EXTENSIONS``).
        """
        if self._app is None:
            raise RuntimeError(f"{self!r} is not initialized: list it in EXTENSIONS")
        return self._app

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ({self.configs_name})>"

    @property
    def extension_name(self) -> str:
        """The key under which this extension registers in ``app.extensions``."""
        return self.configs_name.lower()

    def init_app(self, app: Surge) -> None:
        """Validate the config section, register with ``app``, then ``configure`` (in that order)."""
        config = self.validate_config(app)
        self._app = app
        app.extensions[self.extension_name] = self
        self.configure(app, config)

    def validate_config(self, app: Surge) -> ConfigT:
        """This extension's section, validated with ``config_model``.

        Raises:
            ImproperlyConfigured: the section is invalid, or absent while ``config_required``.
        """
        if self.config_model is NoConfig:  # the section (if any) is not this template's to read
            return NoConfig()  # type: ignore[return-value]
        owner = type(self).__name__
        config: Any = load_section(app, self.configs_name, self.config_model, required=self.config_required, owner=owner)
        return config

    def configure(self, app: Surge, config: ConfigT) -> None:
        """Set the extension up with its validated ``config``; subclasses override this."""

    async def startup(self) -> None:
        """Open connections; runs at app startup."""

    async def shutdown(self) -> None:
        """Close connections; runs at app shutdown."""
