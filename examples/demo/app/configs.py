"""Demo configuration: every value can be overridden by an environment variable."""

import os

from surge import BaseConfig


class Config(BaseConfig):
    """Config class"""

    APP_NAME: str = "Surge demo"
    VERSION: str = "1.0"
    SECRET_KEY: str = "demo-secret-key-change-me"
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = False
    HOST: str = "127.0.0.1"
    PORT: int = 8080
    UPLOAD_DIR: str = os.path.join(os.path.dirname(__file__), "..", "uploads")

    CONTROLLERS: list[str] = [
        "app.controllers.notes:NotesApi",
        "app.controllers.pages:PagesController",
        "app.controllers.guestbook:GuestbookController",
        "app.controllers.account:AccountController",
        "app.controllers.account:AuthApi",
    ]
    EXCEPTION_HANDLERS: list[str] = ["app.exceptions:DemoExceptionHandler", "app.controllers.account:AccountExceptionHandler"]
    MIDDLEWARE: list[str] = ["app.middleware:TimingMiddleware"]
    EXTENSIONS: list[str] = [
        "app.security:security_headers",  # first: its headers reach every response
        "app.security:limiter",
        "app.security:sessions",
        "app.security:csrf",  # after sessions: the CSRF secret lives in the session
        "app.database:db",
        "app.database:migrate",
        "app.authentication:auth",
    ]
    MODELS: list[str] = ["app.database:GuestbookEntry"]
    # The guestbook's SQLite file is created, tables included, at startup (CREATE_ALL).
    # Override with SQL_DATABASE='{"DATABASE_URI": "...", "CREATE_ALL": true}' in the environment.
    SQL_DATABASE: dict = {
        "DATABASE_URI": "sqlite+aiosqlite:///" + os.path.join(os.path.dirname(__file__), "..", "demo.db"),
        "CREATE_ALL": True,
    }
    # Login sessions in a signed cookie (set BACKEND "redis" and REDIS_URL to share them between
    # processes). The demo serves plain HTTP on 127.0.0.1, so its cookie drops the Secure flag;
    # keep the default (True) for anything served over HTTPS.
    SESSIONS: dict = {"COOKIE_SECURE": False, "LIFETIME": 8 * 3600}
    RATE_LIMITER: dict = {"BACKEND": "memory"}
