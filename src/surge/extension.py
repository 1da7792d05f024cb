"""The extension contract: what an object listed in ``EXTENSIONS`` provides."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from surge.exceptions.config import ImproperlyConfigured

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["BaseExtension", "load_section", "to_upper_snake"]

M = TypeVar("M", bound=BaseModel)


def to_upper_snake(name: str) -> str:
    """``SqlDatabase`` -> ``SQL_DATABASE``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).upper()


def load_section(app: Surge, section: str, model: type[M], *, required: bool = False, owner: str = "") -> M:
    """Validate the config section ``section`` (a dict, or absent) with ``model``.

    Raises:
        ImproperlyConfigured: the section is missing (when required) or a key is invalid;
            the message names ``SECTION.KEY``.
    """
    raw = app.get_conf(section, None)
    if raw is None:
        if required:
            raise ImproperlyConfigured(f"Missing config section {section}" + (f" for {owner}" if owner else ""))
        raw = {}
    if isinstance(raw, BaseModel):
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{section} must be a dict, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{section}.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ImproperlyConfigured(f"Invalid configuration: {problems}") from None


class BaseExtension:
    """Base class for extensions.

    An extension reads its config section (``configs_name``, default: the class name in
    UPPER_SNAKE), validates it with a pydantic model, and keeps per-app state in
    ``app.extensions[name]`` so two apps never share it. ``startup()`` and ``shutdown()`` run
    in the app lifespan.
    """

    def __init__(self, configs_name: str | None = None) -> None:
        self.configs_name = configs_name or to_upper_snake(type(self).__name__)
        self._app: Surge | None = None

    @property
    def app(self) -> Surge:
        """The app this extension was initialized with.

        Raises:
            RuntimeError: ``init_app`` has not run yet.
        """
        if self._app is None:
            raise RuntimeError(f"{type(self).__name__} is not initialized: list it in EXTENSIONS")
        return self._app

    @property
    def extension_name(self) -> str:
        """The key under which this extension registers in ``app.extensions``."""
        return self.configs_name.lower()

    def init_app(self, app: Surge) -> None:
        """Bind to ``app``; subclasses call this first, then read their config."""
        self._app = app
        app.extensions[self.extension_name] = self

    def load_config(self, app: Surge, model: type[M], required: bool = False) -> M:
        """Validate this extension's config section with ``model`` (see :func:`load_section`)."""
        return load_section(app, self.configs_name, model, required=required, owner=type(self).__name__)

    async def startup(self) -> None:
        """Open connections; runs at app startup."""

    async def shutdown(self) -> None:
        """Close connections; runs at app shutdown."""
