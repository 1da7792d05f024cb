"""The demo's admin dashboard at /account/admin: for users with the admin role only.

It lives under /account so the login session cookie (SESSIONS.COOKIE_PATH) reaches it; its
login link is the demo's own login form. Ann (the admin) may do everything; Bob gets 403 pages.
"""

import os
from typing import Any

from surge import Request
from surge.admin import AdminDashboard, register_model
from surge.caching import Cache
from surge.email import EmailClient
from surge.task_manager import TaskManager

from app.authentication import USERS, UserRoles
from app.database import GuestbookEntry

register_model(GuestbookEntry)


class DemoAdmin(AdminDashboard):
    """Every hook asks the same question: is the logged-in user an admin?"""

    @staticmethod
    def _is_admin(req: Request) -> bool:
        return req.user is not None and UserRoles.ADMIN in req.user.roles

    async def has_enter_permission(self, req: Request) -> bool:
        return self._is_admin(req)

    async def has_view_permission(self, req: Request, model: type[Any]) -> bool:
        return self._is_admin(req)

    async def has_create_permission(self, req: Request, model: type[Any]) -> bool:
        return self._is_admin(req)

    async def has_update_permission(self, req: Request, model: type[Any]) -> bool:
        return self._is_admin(req)

    async def has_delete_permission(self, req: Request, model: type[Any]) -> bool:
        return self._is_admin(req)

    async def has_email_permission(self, req: Request, client: EmailClient) -> bool:
        return self._is_admin(req)

    async def has_task_manager_permission(self, req: Request, manager: TaskManager) -> bool:
        return self._is_admin(req)

    async def has_cache_permission(self, req: Request, cache: Cache) -> bool:
        return self._is_admin(req)

    async def has_files_permission(self, req: Request) -> bool:
        return self._is_admin(req)

    async def email_recipient_query(self, req: Request, query: str, client: EmailClient) -> list[tuple[str, str]]:
        """The demo's users, as addresses on localhost (the debug SMTP server accepts them)."""
        people = [(user.fullname, f"{user.username}@localhost") for user in USERS.values()]
        return [person for person in people if query.lower() in person[0].lower() or query.lower() in person[1]]

    @property
    def files_folder(self) -> str:
        """The file explorer works on the demo's upload folder (UPLOAD_DIR), created when missing."""
        folder = os.path.realpath(str(self.app.get_conf("UPLOAD_DIR")))
        os.makedirs(folder, exist_ok=True)
        return folder


admin = DemoAdmin()
