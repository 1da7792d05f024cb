"""The dashboard's state and hooks (config, databases, services, permissions), without its pages.

:class:`~surge.admin.AdminDashboard` adds the pages; the page controllers see only this base,
so they never import the module that registers them.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from surge.admin._config import AdminDashboardConfig
from surge.admin._errors import AdminHttpError
from surge.admin._render import AdminRenderer, maybe_await
from surge.admin.utilities import PermissionType
from surge.auth.extension import Authentication
from surge.caching.extension import Cache
from surge.database.sql.extension import SqlDatabase
from surge.email.client import EmailClient
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import BaseExtension, extensions_of, find_extension
from surge.security.sessions import Sessions
from surge.task_manager.manager import TaskManager
from surge.utilities import to_kebab_case

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request

_audit_log = logging.getLogger("surge.admin")


class AdminMissingDatabaseExtension(AdminHttpError):
    """A page names a database the dashboard does not know (404)."""

    status_code = 404
    default_message = "Unknown database"
    title = "Not found"

    def __init__(self, db_name: str) -> None:
        super().__init__(f"No SqlDatabase with db_name={db_name!r} has models in the admin dashboard", data={"db_name": db_name})


class AdminDashboardBase(BaseExtension[AdminDashboardConfig]):
    """The admin dashboard without its pages; subclass :class:`~surge.admin.AdminDashboard`.

    ``has_enter_permission`` must be overridden (the app fails at startup otherwise); the other
    hooks deny until overridden, so a forgotten hook hides a feature instead of exposing it.
    """

    config_model = AdminDashboardConfig
    config_required = True

    _config: AdminDashboardConfig

    def __init__(self, configs_name: str = "ADMIN_DASHBOARD") -> None:
        super().__init__(configs_name)
        self._root_path = os.path.dirname(os.path.abspath(__file__))
        self._databases: dict[str, SqlDatabase] = {}
        self._databases_models: dict[str, list[type[Any]]] = {}
        self._auth: Authentication | None = None
        self.urls: dict[str, str | None] = {}
        self.renderer = AdminRenderer(self)

    # -- setup ------------------------------------------------------------------------------------
    def configure(self, app: Surge, config: AdminDashboardConfig) -> None:
        """Check the hooks and Sessions, keep the section."""
        if type(self).has_enter_permission is AdminDashboardBase.has_enter_permission:
            raise ImproperlyConfigured(
                f"{type(self).__name__} must override `async def has_enter_permission(self, req)` ({self.configs_name})"
            )
        if find_extension(app, Sessions) is None:
            raise ImproperlyConfigured(
                f"{self.configs_name}: the admin's forms carry CSRF tokens kept in the session: list Sessions before "
                f"{type(self).__name__} in EXTENSIONS"
            )
        self._config = config
        self._auth = find_extension(app, Authentication)

    async def startup(self) -> None:
        """Build the login/logout URLs and find the databases with registered models.

        Raises:
            ImproperlyConfigured: a ``URL_FOR_FOR_*`` key names no endpoint (or one needing parameters).
        """
        self.urls = {}
        for key in ("URL_FOR_FOR_LOGIN", "URL_FOR_FOR_LOGOUT", "URL_FOR_FOR_PASSWORD_RESET"):
            endpoint = getattr(self.configs, key)
            try:
                self.urls[key] = None if endpoint is None else self.app.url_for(endpoint)
            except (LookupError, ValueError) as exc:
                raise ImproperlyConfigured(f"{self.configs_name}.{key}: cannot build a URL for {endpoint!r}: {exc}") from None
        self._databases = {}
        self._databases_models = {}
        for database in extensions_of(self.app, SqlDatabase):
            models = [model for model in database.models if getattr(model, "__use_in_dashboard__", False) is True]
            if models:
                self._databases[database.db_name] = database
                self._databases_models[database.db_name] = models

    # -- what the pages use -----------------------------------------------------------------------
    @property
    def configs(self) -> AdminDashboardConfig:
        """The validated ``ADMIN_DASHBOARD`` section."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._config

    @property
    def root_path(self) -> str:
        """The folder of the admin package (templates and static files)."""
        return self._root_path

    @property
    def files_folder(self) -> str:
        """The real path of the file explorer's folder."""
        folder = self.configs.FILES_FOLDER
        if folder is None:
            return os.path.realpath(self.app.static_files_path)
        return os.path.realpath(folder if os.path.isabs(folder) else os.path.join(self.app.root_path, folder))

    def get_registered_models(self) -> dict[str, list[type[Any]]]:
        """``db_name`` -> the registered models of that database."""
        return dict(self._databases_models)

    def get_model(self, db_name: str, model_name: str) -> type[Any] | None:
        """The registered model ``model_name`` of database ``db_name``, or None."""
        for model in self._databases_models.get(db_name, []):
            if model.__name__ == model_name:
                return model
        return None

    def get_database(self, db_name: str) -> SqlDatabase:
        """The database ``db_name``.

        Raises:
            AdminMissingDatabaseExtension: no database of that name has registered models.
        """
        database = self._databases.get(db_name)
        if database is None:
            raise AdminMissingDatabaseExtension(db_name)
        return database

    @property
    def all_dbs(self) -> list[SqlDatabase]:
        """The databases with registered models."""
        return list(self._databases.values())

    @property
    def number_of_dbs(self) -> int:
        """How many databases the dashboard shows."""
        return len(self._databases)

    def get_email_clients(self) -> dict[str, EmailClient] | None:
        """The app's e-mail clients by kebab-case section name (None when there is none)."""
        clients = {to_kebab_case(client.configs_name): client for client in extensions_of(self.app, EmailClient)}
        return clients or None

    @property
    def email_clients(self) -> dict[str, EmailClient] | None:
        """See :meth:`get_email_clients`."""
        return self.get_email_clients()

    def get_task_managers(self) -> dict[str, TaskManager] | None:
        """The app's task managers by section name (None when there is none)."""
        managers = {manager.configs_name: manager for manager in extensions_of(self.app, TaskManager)}
        return managers or None

    @property
    def task_managers(self) -> dict[str, TaskManager] | None:
        """See :meth:`get_task_managers`."""
        return self.get_task_managers()

    def get_cache_interfaces(self) -> dict[str, Cache] | None:
        """The app's caches by section name (None when there is none)."""
        caches = {cache.configs_name: cache for cache in extensions_of(self.app, Cache)}
        return caches or None

    async def load_user(self, req: Request) -> Any:
        """``req.user``, loaded with the app's Authentication ``user_loader`` when not loaded yet."""
        if req.user is None and self._auth is not None:
            req.user = await maybe_await(self._auth.user_loader(req))
        return req.user

    def log_action(self, req: Request, action: str, **details: Any) -> None:
        """Write one audit record (logger ``surge.admin``) for an action taken in the dashboard."""
        user = getattr(req.user, "username", None) or getattr(req.user, "id", None) or req.user
        extra = " ".join(f"{key}={value!r}" for key, value in details.items())
        _audit_log.info("admin %s by %s %s", action, user, extra, extra={"admin_action": action, "admin_user": str(user)})

    @staticmethod
    def format_datetime(value: Any) -> Any:
        """An ISO date-time as ``YYYY-MM-DD HH:MM:SS``; anything else unchanged."""
        try:
            parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            return value
        return parsed.strftime("%Y-%m-%d %H:%M:%S")

    # -- permission hooks (override these) --------------------------------------------------------
    async def has_enter_permission(self, req: Request) -> bool:
        """Whether the user of ``req`` may enter the dashboard at all (must be overridden)."""
        return False

    async def has_view_permission(self, req: Request, model: type[Any]) -> bool:
        """Whether the user may list and view records of ``model``."""
        return False

    async def has_create_permission(self, req: Request, model: type[Any]) -> bool:
        """Whether the user may create records of ``model``."""
        return False

    async def has_update_permission(self, req: Request, model: type[Any]) -> bool:
        """Whether the user may edit records of ``model``."""
        return False

    async def has_delete_permission(self, req: Request, model: type[Any]) -> bool:
        """Whether the user may delete records of ``model``."""
        return False

    async def has_email_permission(self, req: Request, client: EmailClient) -> bool:
        """Whether the user may send e-mail through ``client``."""
        return False

    async def has_task_manager_permission(self, req: Request, manager: TaskManager) -> bool:
        """Whether the user may see, pause, resume and run the jobs of ``manager``."""
        return False

    async def has_cache_permission(self, req: Request, cache: Cache) -> bool:
        """Whether the user may clear ``cache``."""
        return False

    async def has_files_permission(self, req: Request) -> bool:
        """Whether the user may use the file explorer."""
        return False

    async def email_recipient_query(self, req: Request, query: str, client: EmailClient) -> list[tuple[str, str]]:
        """``(name, address)`` suggestions for the e-mail form's recipients matching ``query``."""
        return []

    async def has_model_permission(self, perm_type: PermissionType, req: Request, model: type[Any]) -> bool:
        """The answer of the hook for ``perm_type`` about ``model``."""
        hooks = {
            PermissionType.CAN_VIEW: self.has_view_permission,
            PermissionType.CAN_CREATE: self.has_create_permission,
            PermissionType.CAN_UPDATE: self.has_update_permission,
            PermissionType.CAN_DELETE: self.has_delete_permission,
        }
        if perm_type is PermissionType.CAN_ENTER:
            return await self.has_enter_permission(req)
        return await hooks[perm_type](req, model)

    async def get_all_permissions(self, req: Request) -> dict[str, Any]:
        """Every hook's answer for ``req``: per database and model, then clients, managers, caches, files."""
        permissions: dict[str, Any] = {}
        for db_name, models in self._databases_models.items():
            permissions[db_name] = {
                model.__name__: {kind.name.removeprefix("CAN_"): await self.has_model_permission(kind, req, model)
                                 for kind in PermissionType if kind is not PermissionType.CAN_ENTER}
                for model in models
            }
        for name, client in (self.get_email_clients() or {}).items():
            permissions[name] = await self.has_email_permission(req, client)
        for name, manager in (self.get_task_managers() or {}).items():
            permissions[name] = await self.has_task_manager_permission(req, manager)
        for name, cache in (self.get_cache_interfaces() or {}).items():
            permissions[name] = await self.has_cache_permission(req, cache)
        permissions["files"] = await self.has_files_permission(req)
        return permissions
