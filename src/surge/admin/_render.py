"""Rendering of the admin's pages: its own Jinja2 environment over the package's templates."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, Protocol

import jinja2

from surge.security.csrf import csrf_input, csrf_token

if TYPE_CHECKING:
    from surge.admin._config import AdminDashboardConfig
    from surge.http.request import Request
    from surge.http.response import Response

_HTML = "text/html; charset=utf-8"
_NOT_SLUG = re.compile(r"[^a-zA-Z0-9_-]+")


def slug(text: object) -> str:
    """``text`` as a stable HTML id fragment (runs of other characters become one ``-``)."""
    return _NOT_SLUG.sub("-", str(text)).strip("-") or "x"


class Site(Protocol):
    """What the renderer reads from the dashboard (a protocol, so this module never imports it)."""

    urls: dict[str, str | None]

    @property
    def configs(self) -> AdminDashboardConfig: ...

    @property
    def root_path(self) -> str: ...

    def format_datetime(self, value: Any) -> Any: ...

    def get_registered_models(self) -> dict[str, list[type[Any]]]: ...

    def get_email_clients(self) -> Mapping[str, Any] | None: ...

    def get_task_managers(self) -> Mapping[str, Any] | None: ...

    def get_cache_interfaces(self) -> Mapping[str, Any] | None: ...


class AdminRenderer:
    """Renders the admin templates with the menu, CSRF helpers and URL helpers in the context.

    The environment is the admin's own (autoescaping, undefined names are errors), so an
    app's template settings and globals never change how the dashboard renders.
    """

    def __init__(self, dashboard: Site) -> None:
        self.dashboard = dashboard
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(os.path.join(dashboard.root_path, "templates")),
            autoescape=True,
            enable_async=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.loopcontrols"],
        )
        self.environment.filters["datetime"] = dashboard.format_datetime
        self.environment.filters["slug"] = slug
        self.environment.globals.update({"attribute": getattr, "len": len})

    def url(self, suffix: str = "") -> str:
        """The dashboard's URL ``DASHBOARD_URL`` + ``suffix``."""
        return self.dashboard.configs.DASHBOARD_URL.rstrip("/") + suffix

    def base_context(self, req: Request) -> dict[str, Any]:
        """What every admin page needs: config, menu entries, helpers bound to ``req``."""
        dashboard = self.dashboard
        config = dashboard.configs
        return {
            "configs": config,
            "dashboard": dashboard,
            "user": req.user,
            "admin_url": self.url,
            "static_url": lambda name: self.url("/static/" + name),
            "csrf_token": lambda: csrf_token(req),
            "csrf_input": lambda: csrf_input(req),
            "login_url": dashboard.urls.get("URL_FOR_FOR_LOGIN"),
            "logout_url": dashboard.urls.get("URL_FOR_FOR_LOGOUT"),
            "reset_url": dashboard.urls.get("URL_FOR_FOR_PASSWORD_RESET"),
            "database_models": dashboard.get_registered_models(),
            "email_clients": dashboard.get_email_clients() or {},
            "task_managers": dashboard.get_task_managers() or {},
            "caches": dashboard.get_cache_interfaces() or {},
            "current_path": req.path,
        }

    async def page(self, req: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> Response:
        """The response for ``template`` rendered for ``req``, with ``status``."""
        merged = self.base_context(req)
        merged.update(context or {})
        body = await self.environment.get_template(template).render_async(merged)
        response = req.response.text(body).status(status)
        response.media_type = _HTML
        response.set_header("cache-control", "no-store")
        return response


async def maybe_await(value: Any) -> Any:
    """``value``, awaited when it is awaitable (hooks may be plain functions)."""
    return await value if isawaitable(value) else value
