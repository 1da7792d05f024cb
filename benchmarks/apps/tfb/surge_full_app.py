"""Surge's TFB app with every extension loaded, for the idle-RSS comparison (`--suite tfb --memory`).

The same controllers, database and cache as ``surge_app.py``, plus every other extension Surge
ships, each with a configuration that needs no other service (in-memory brokers, the local
PostgreSQL for the SQL side, a fake SMTP host that is never contacted): the figure is what
loading them costs, not what serving costs.
"""

from __future__ import annotations

from surge import Surge, app
from surge.admin import AdminDashboard
from surge.ai_interface import AiInterface
from surge.auth import Authentication
from surge.database.sql.migrate import Migrate
from surge.email import EmailClient
from surge.observability import Observability
from surge.rest import RestApi
from surge.security import CSRF, AllowedHosts, OneTimeTokens, RateLimiter, SecurityHeaders, Sessions
from surge.task_manager import TaskManager
from surge.task_queue import TaskQueue
from tfb.surge_app import Config as TfbConfig
from tfb.surge_app import db


class NoUsers(Authentication):
    async def user_loader(self, req: object) -> None:
        return None


class ClosedAdmin(AdminDashboard):
    async def has_enter_permission(self, req: object) -> bool:
        return False


migrate = Migrate(db)
auth = NoUsers()
tasks = TaskManager()
queue = TaskQueue()
mail = EmailClient()
ai = AiInterface()
admin = ClosedAdmin()
rest = RestApi()
observability = Observability()
sessions = Sessions()
csrf = CSRF()
tokens = OneTimeTokens()
headers = SecurityHeaders()
hosts = AllowedHosts()
limiter = RateLimiter()

EVERY_EXTENSION = [
    "tfb.surge_app:db",
    "tfb.surge_app:cache",
    *(
        f"tfb.surge_full_app:{name}"
        for name in (
            "migrate",
            "auth",
            "sessions",
            "csrf",
            "tokens",
            "headers",
            "hosts",
            "limiter",
            "observability",
            "tasks",
            "queue",
            "mail",
            "ai",
            "rest",
            "admin",
        )
    ),
]


class Config(TfbConfig):
    EXTENSIONS: list[str] = EVERY_EXTENSION
    ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost", "testserver"]
    EMAIL_CLIENT: dict = {
        "SENDER_NAME_OR_ADDRESS": "bench@example.com",
        "SMTP_SERVER": "127.0.0.1",
        "SMTP_PORT": 2525,
    }
    # The admin needs the url_for names of a login and a logout handler; no request reaches them here.
    ADMIN_DASHBOARD: dict = {
        "URL_FOR_FOR_LOGIN": "JsonController.message",
        "URL_FOR_FOR_LOGOUT": "JsonController.message",
    }
    AI_INTERFACE: dict = {"API_KEY": "not-used", "API_BASE_URL": "http://127.0.0.1:9/v1"}


@app(__name__, configs=Config)
class Application(Surge):
    pass


app = Application()  # noqa: F811 - the ASGI callable
