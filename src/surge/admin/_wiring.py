"""What the dashboard registers with the app: its controllers and the handler of its errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surge.admin._errors import AdminEnterError, AdminHttpError
from surge.admin.admin_controller import AdminController
from surge.admin.common_controller import CommonAdminController
from surge.admin.database_controller import AdminDatabaseController
from surge.admin.email_clients_controller import AdminEmailClientsController
from surge.admin.file_controller import AdminFileController
from surge.admin.task_managers_controller import AdminTaskManagersController
from surge.exceptions.handler import ExceptionHandler, handles
from surge.http.request import Request
from surge.http.response import Response

if TYPE_CHECKING:
    from surge.admin._core import AdminDashboardBase


def controllers() -> list[type[CommonAdminController]]:
    """The controller classes of a dashboard, in registration order."""
    return [AdminController, AdminDatabaseController, AdminEmailClientsController, AdminTaskManagersController, AdminFileController]


def exception_handler(dashboard: AdminDashboardBase) -> type[ExceptionHandler]:
    """An exception handler class answering the admin's errors with the dashboard's error page."""

    class AdminErrorPages(ExceptionHandler):
        @handles(AdminHttpError)
        async def admin_error(self, req: Request, exc: AdminHttpError) -> Response:
            """The error page of ``exc``'s status (401 pages link to the login page)."""
            if req.user is None:
                await dashboard.load_user(req)
            login = isinstance(exc, AdminEnterError) and exc.status_code == 401
            context = {"title": exc.title, "message": exc.message, "status": exc.status_code, "show_login": login,
                       "next": req.path, "hide_nav": exc.status_code == 401 or isinstance(exc, AdminEnterError)}
            response = await dashboard.renderer.page(req, "error.html", context, exc.status_code)
            for name, value in exc.headers.items():
                response.set_header(name, value)
            return response

    AdminErrorPages.__name__ = AdminErrorPages.__qualname__ = f"{type(dashboard).__name__}ErrorPages"
    return AdminErrorPages
