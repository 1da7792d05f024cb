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
    ]
    EXCEPTION_HANDLERS: list[str] = ["app.exceptions:DemoExceptionHandler"]
    MIDDLEWARE: list[str] = ["app.middleware:TimingMiddleware"]
    EXTENSIONS: list[str] = ["app.database:db", "app.database:migrate"]
    MODELS: list[str] = ["app.database:GuestbookEntry"]
    # The guestbook's SQLite file is created, tables included, at startup (CREATE_ALL).
    # Override with SQL_DATABASE='{"DATABASE_URI": "...", "CREATE_ALL": true}' in the environment.
    SQL_DATABASE: dict = {
        "DATABASE_URI": "sqlite+aiosqlite:///" + os.path.join(os.path.dirname(__file__), "..", "demo.db"),
        "CREATE_ALL": True,
    }
