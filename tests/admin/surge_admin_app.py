"""The app the admin tests drive: three models, sessions, a test login, a dashboard with per-user rights."""

from __future__ import annotations

import enum
import os
import re
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from surge import BaseConfig, Request, Response, Surge
from surge.admin import AdminDashboard, register_model
from surge.admin.input_fields import RichTextInput, TagsInput
from surge.auth import Authentication
from surge.caching import Cache
from surge.controller import Controller, get, path, post
from surge.database.sql import SqlDatabase, create_declarative_base
from surge.email import EmailClient
from surge.security import Sessions
from surge.task_manager import TaskManager
from surge.testing import TestClient

Base = create_declarative_base("db")


class Kind(enum.StrEnum):
    TOOL = "tool"
    TOY = "toy"


@register_model
class Category(Base):
    __tablename__ = "admin_categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


@register_model
class Item(Base):
    __tablename__ = "admin_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[Kind] = mapped_column(Enum(Kind))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("admin_categories.id"), nullable=True)
    tags: Mapped[str | None] = mapped_column(String(200), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    class Meta:
        custom_form_fields = [TagsInput(id="input-tags", name="tags"), RichTextInput(id="input-notes", name="notes")]


class Secret(Base):
    """Not registered: the dashboard must not show it."""

    __tablename__ = "admin_secrets"
    id: Mapped[int] = mapped_column(primary_key=True)


ALL = {"enter", "view", "create", "update", "delete", "email", "tasks", "cache", "files"}


class Auth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return req.session.get("user")


class Dashboard(AdminDashboard):
    """Each user's rights: a set of hook names (``ALL`` for the admin)."""

    rights: dict[str, set[str]] = {}

    def _has(self, req: Request, right: str) -> bool:
        return right in self.rights.get(str(req.user), set())

    async def has_enter_permission(self, req: Request) -> bool:
        return self._has(req, "enter")

    async def has_view_permission(self, req: Request, model: type) -> bool:
        return self._has(req, "view")

    async def has_create_permission(self, req: Request, model: type) -> bool:
        return self._has(req, "create")

    async def has_update_permission(self, req: Request, model: type) -> bool:
        return self._has(req, "update")

    async def has_delete_permission(self, req: Request, model: type) -> bool:
        return self._has(req, "delete")

    async def has_email_permission(self, req: Request, client: EmailClient) -> bool:
        return self._has(req, "email")

    async def has_task_manager_permission(self, req: Request, manager: TaskManager) -> bool:
        return self._has(req, "tasks")

    async def has_cache_permission(self, req: Request, cache: Cache) -> bool:
        return self._has(req, "cache")

    async def has_files_permission(self, req: Request) -> bool:
        return self._has(req, "files")

    async def email_recipient_query(self, req: Request, query: str, client: EmailClient) -> list[tuple[str, str]]:
        people = [("Ann Admin", "ann@example.com"), ("Bob User", "bob@example.com")]
        return [person for person in people if query.lower() in person[0].lower()]


@path("/test-login")
class TestLogin(Controller):
    @get("/<string:name>")
    async def login(self, req: Request, name: str) -> Response:
        req.session["user"] = name
        return req.response.text("ok")

    @post("/")
    async def form_login(self, req: Request) -> Response:
        req.session["user"] = str((await req.form()).get("username", ""))
        return req.response.redirect(str((await req.form()).get("next", "/")))

    @post("/logout")
    async def logout(self, req: Request) -> Response:
        req.session.invalidate()
        return req.response.text("bye")


def build(tmp_path: Any, smtp_port: int = 1, **admin: Any) -> tuple[Surge, Dashboard]:
    """The app, with its SQLite file and file folder in ``tmp_path``."""
    files = tmp_path / "files"
    files.mkdir(exist_ok=True)
    config = BaseConfig(
        SECRET_KEY="admin-tests-secret-key-0123456789abcdef", DEBUG=False, ACCESS_LOG=False, BASE_PATH=str(tmp_path),
        SESSIONS={"COOKIE_SECURE": False},
        SQL_DATABASE={"DATABASE_URI": "sqlite+aiosqlite:///" + os.path.join(str(tmp_path), "admin.db"), "CREATE_ALL": True},
        EMAIL_CLIENT={"SENDER_NAME_OR_ADDRESS": "Admin <admin@example.com>", "SMTP_SERVER": "127.0.0.1",
                      "SMTP_PORT": smtp_port, "USE_TLS": False, "TIMEOUT": 5},
        ADMIN_DASHBOARD={"URL_FOR_FOR_LOGIN": "TestLogin.form_login", "URL_FOR_FOR_LOGOUT": "TestLogin.logout",
                         "FILES_FOLDER": str(files), **admin},
    )
    app = Surge(configs=config)
    app.models.extend([Category, Item, Secret])
    dashboard = Dashboard()
    dashboard.rights = {"admin": set(ALL)}
    for extension in (Sessions(), SqlDatabase(db_name="db"), Auth(), Cache(), TaskManager(), EmailClient(), dashboard):
        app.add_extension(extension)
    app.register_controller(TestLogin)
    return app, dashboard


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    found = _TOKEN.search(html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


class AdminClient:
    """A test client logged in as someone, with helpers for the dashboard's forms."""

    def __init__(self, client: TestClient, dashboard: Dashboard, app: Any) -> None:
        self.client = client
        self.dashboard = dashboard
        self.app = app

    async def login(self, name: str) -> None:
        assert (await self.client.get(f"/test-login/{name}")).status_code == 200

    async def token(self, page: str = "/admin/dashboard/") -> str:
        response = await self.client.get(page)
        assert response.status_code == 200, response.text
        return csrf_from(response.text)

    async def post_form(self, url: str, data: dict[str, Any], page: str = "/admin/dashboard/", **kwargs: Any) -> Any:
        token = await self.token(page)
        return await self.client.post(url, data={"csrf_token": token, **data}, **kwargs)
