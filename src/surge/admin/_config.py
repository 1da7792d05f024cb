"""The ``ADMIN_DASHBOARD`` config section."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from pydantic import BaseModel, ConfigDict, Field


class AdminDashboardConfig(BaseModel):
    """Keys of ``ADMIN_DASHBOARD = {...}``."""

    model_config = ConfigDict(extra="forbid")

    DASHBOARD_URL: str = Field("/admin/dashboard", description="Path the dashboard is served under")
    LOGO_URL: str | None = Field(None, description="Logo shown in the menu and on the login page")
    URL_FOR_FOR_LOGIN: str = Field(description="url_for endpoint of the app's login form handler (POST)")
    URL_FOR_FOR_LOGOUT: str = Field(description="url_for endpoint of the app's logout handler (POST)")
    URL_FOR_FOR_PASSWORD_RESET: str | None = Field(None, description="url_for endpoint of a password reset page")
    USE_REMEMBER_ME: bool = Field(False, description="Show a 'Remember me' box on the login page")
    FILES_FOLDER: str | None = Field(None, description="Folder of the file explorer (default: the app's STATIC_DIR)")
    PER_PAGE: int = Field(20, ge=1, le=500, description="Rows per page of a model list")
    MAX_PER_PAGE: int = Field(200, ge=1, le=5000, description="Largest ?per_page a list accepts")
    TITLE: str = Field("Administration", description="Title shown in the menu and the page titles")


class AdminConfig(TypedDict):
    """The ``ADMIN_DASHBOARD`` section as a typed dict (for typed config classes)."""

    DASHBOARD_URL: NotRequired[str]
    LOGO_URL: NotRequired[str]
    URL_FOR_FOR_LOGIN: str
    URL_FOR_FOR_LOGOUT: str
    URL_FOR_FOR_PASSWORD_RESET: NotRequired[str]
    USE_REMEMBER_ME: NotRequired[bool]
    FILES_FOLDER: NotRequired[str]
    PER_PAGE: NotRequired[int]
    MAX_PER_PAGE: NotRequired[int]
    TITLE: NotRequired[str]
