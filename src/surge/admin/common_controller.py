"""What every admin controller shares: the entry and permission checks, CSRF, page rendering."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from surge.admin._errors import AdminCsrfError, AdminEnterError, AdminPermissionError
from surge.controller import Controller
from surge.http.datastructures import MultiDict
from surge.http.request import Request
from surge.http.response import Response
from surge.security.csrf import verify_csrf_token

if TYPE_CHECKING:
    from surge.admin._core import AdminDashboardBase

__all__ = ["AdminEnterError", "CommonAdminController"]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CommonAdminController(Controller):
    """Base of the admin controllers; the dashboard binds itself as ``_dashboard`` at startup."""

    _dashboard: AdminDashboardBase

    @property
    def dashboard(self) -> AdminDashboardBase:
        """The dashboard these pages belong to."""
        return self._dashboard

    async def can_enter(self, req: Request) -> bool:
        """Load the user and ask ``has_enter_permission``.

        Raises:
            AdminEnterError: the hook said no (401 page without a user, 403 with one).
        """
        user = await self.dashboard.load_user(req)
        if not await self.dashboard.has_enter_permission(req):
            raise AdminEnterError(user)
        return True

    def require(self, req: Request, allowed: bool, what: str) -> None:
        """Raise the 403 page unless ``allowed``.

        Raises:
            AdminPermissionError: not ``allowed``; the page says ``what`` was refused.
        """
        if not allowed:
            self.dashboard.log_action(req, "denied", what=what, path=req.path)
            raise AdminPermissionError(req.user, f"You do not have permission to {what}.")

    async def checked_form(self, req: Request) -> MultiDict:
        """The request's form, after checking its CSRF token (form field or ``X-CSRF-Token``).

        Raises:
            AdminCsrfError: the token is missing or was not issued for this session.
        """
        content_type = req.content_type.split(";", 1)[0].strip().lower()
        form = await req.form() if content_type in _FORM_TYPES else MultiDict()
        token = form.get("csrf_token")
        if not isinstance(token, str):
            token = req.headers.get("x-csrf-token")
        if not verify_csrf_token(req, token):
            self.dashboard.log_action(req, "csrf-refused", path=req.path)
            raise AdminCsrfError()
        return form

    async def page(self, req: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> Response:
        """Render an admin template for ``req``."""
        return await self.dashboard.renderer.page(req, template, context, status)

    def get_common_variables(self) -> dict[str, Any]:
        """PyJolt's template variables shared by the pages."""
        dashboard = self.dashboard
        return {
            "dashboard": dashboard,
            "configs": dashboard.configs,
            "all_dbs": dashboard.all_dbs,
            "database_models": dashboard.get_registered_models(),
            "email_clients": dashboard.email_clients,
            "task_managers": dashboard.task_managers,
            "format_datetime": dashboard.format_datetime,
        }
