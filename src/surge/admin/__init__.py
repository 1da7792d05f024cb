"""The admin dashboard (PyJolt's ``pyjolt.admin``): model pages, files, e-mail, jobs and caches.

Subclass :class:`AdminDashboard`, override its permission hooks, list an instance in
``EXTENSIONS``, configure ``ADMIN_DASHBOARD`` and mark models with :func:`register_model`.
"""

from surge.admin.admin_dashboard import (
    AdminConfig,
    AdminDashboard,
    AdminDashboardConfig,
    AdminMissingDatabaseExtension,
)
from surge.admin.common_controller import AdminEnterError
from surge.admin.database_controller import AdminPermissionError, UnknownModelError
from surge.admin.utilities import FormType, PermissionType, extract_table_columns, register_model

__all__ = [
    "AdminConfig",
    "AdminDashboard",
    "AdminDashboardConfig",
    "AdminEnterError",
    "AdminMissingDatabaseExtension",
    "AdminPermissionError",
    "FormType",
    "PermissionType",
    "UnknownModelError",
    "extract_table_columns",
    "register_model",
]
