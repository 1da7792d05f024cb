"""The admin dashboard extension: subclass it, override the permission hooks, list it in EXTENSIONS.

Pages for the ``@register_model`` models of every ``SqlDatabase``, a file explorer, an e-mail
form, the task managers' jobs and the caches, served under ``ADMIN_DASHBOARD.DASHBOARD_URL``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surge.admin._config import AdminConfig, AdminDashboardConfig
from surge.admin._core import AdminDashboardBase, AdminMissingDatabaseExtension
from surge.admin._wiring import controllers, exception_handler
from surge.controller.decorators import path

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["AdminConfig", "AdminDashboard", "AdminDashboardConfig", "AdminMissingDatabaseExtension"]


class AdminDashboard(AdminDashboardBase):
    """The admin dashboard; subclass it and override the permission hooks.

    ``has_enter_permission`` must be overridden (the app fails at startup otherwise); the other
    hooks deny until overridden, so a forgotten hook hides a feature instead of exposing it.
    The pages are registered under ``DASHBOARD_URL`` and left out of the OpenAPI document.
    """

    def configure(self, app: Surge, config: AdminDashboardConfig) -> None:
        """Check the hooks and Sessions, then register the pages and their error pages."""
        super().configure(app, config)
        prefix = config.DASHBOARD_URL.rstrip("/")
        for controller in controllers():
            bound = type(controller.__name__, (controller,), {"_dashboard": self, "__module__": controller.__module__})
            app.register_controller(path(prefix, open_api_spec=False)(bound))
        app.add_exception_handler(exception_handler(self))
