"""Jinja2 templates, rendered asynchronously with autoescaping on."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import jinja2

from surge._template_modes import NeedsAsync, data_only, sync_twin

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["ContextProcessor", "TemplateContextProvider", "Templates"]

ContextProcessor = Callable[["Request | None"], Mapping[str, Any]]
"""``processor(request) -> values`` merged into every render."""


class TemplateContextProvider(ABC):
    """The role of an extension that adds per-request values to every template render."""

    @abstractmethod
    def template_context(self, request: Request | None) -> Mapping[str, Any]:
        """Values for the template being rendered for ``request`` (None outside a request)."""


class Templates:
    """The app's template environment (``TEMPLATES_DIR`` under ``BASE_PATH``).

    Globals available in every template, in a request or not (an email): ``url_for``,
    ``config``, ``request`` and ``response`` (None outside a request), ``static`` and ``media``
    (file URLs), and PyJolt's ``app``, ``attribute`` (``getattr``: ``attribute(user, field)``)
    and ``len``; the ``do`` and ``loopcontrols`` extensions are on. Extensions
    add their own (``csrf_token``, ``get_flashed_messages``) through :meth:`add_global` and
    :meth:`add_context_processor`. A value passed in a render's context wins over a global.
    """

    def __init__(
        self, directory: str, strict: bool = True, *, template_globals: Mapping[str, object] = {}, auto_reload: bool = True
    ) -> None:
        """``auto_reload``: look at each template file's mtime on every render (the app passes DEBUG:
        edited templates show up at once in development, production skips the ``stat``)."""
        self.directory = directory
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            auto_reload=auto_reload,
            autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
            enable_async=True,
            undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
            extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],  # Atila enables both
        )
        self.environment.globals.update({"attribute": getattr, "len": len})
        self.environment.globals.update(template_globals)
        self._processors: list[ContextProcessor] = []
        self._sync_environment: jinja2.Environment | None = None
        self._sync_templates: dict[str, jinja2.Template | None] = {}  # None: renders in async mode

    def add_global(self, name: str, value: Any) -> None:
        """Make ``value`` available in every template as ``name``."""
        self.environment.globals[name] = value

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        """Make ``func`` available as the filter ``{{ value | name }}``."""
        self.environment.filters[name] = func

    def add_context_processor(self, processor: ContextProcessor) -> None:
        """``processor(request) -> dict`` adds per-request values to every render."""
        self._processors.append(processor)

    def _context(self, context: dict[str, Any], request: Request | None) -> dict[str, Any]:
        # ``response``: the one being built for the request (set a header or a cookie from a template)
        merged: dict[str, Any] = {"request": request, "response": None if request is None else request.response}
        for processor in self._processors:
            merged.update(processor(request))
        merged.update(context)
        return merged

    async def render(self, template_path: str, context: dict[str, Any], request: Request | None = None) -> str:
        """Render the template at ``template_path`` (relative to the templates folder).

        Without ``auto_reload`` (DEBUG off), a template that only lays out data is rendered in
        Jinja's sync mode, which is faster and gives the same text (surge._template_modes).
        """
        name = template_path.lstrip("/").replace(os.sep, "/")
        merged = self._context(context, request)
        if not self.environment.auto_reload:
            sync_template = self._sync_template(name)
            if sync_template is not None:
                try:
                    return sync_template.render(merged)
                except (NeedsAsync, TypeError):  # async data (an awaitable, an async iterable)
                    self._sync_templates[name] = None
        return await self.environment.get_template(name).render_async(merged)

    def _sync_template(self, name: str) -> jinja2.Template | None:
        """The sync-mode template for ``name`` when it only lays out data, else None (decided once)."""
        try:
            return self._sync_templates[name]
        except KeyError:
            pass
        try:
            if not data_only(self.environment, name):
                template = None
            else:
                if self._sync_environment is None:
                    self._sync_environment = sync_twin(self.environment)
                template = self._sync_environment.get_template(name)
        except jinja2.TemplateError:
            return None  # not found, or a syntax error: the async render reports it
        self._sync_templates[name] = template
        return template

    async def render_string(self, source: str, context: dict[str, Any], request: Request | None = None) -> str:
        """Render ``source`` as a template."""
        template = self.environment.from_string(source)
        return await template.render_async(self._context(context, request))
