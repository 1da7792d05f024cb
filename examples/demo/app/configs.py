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
    ]
    EXCEPTION_HANDLERS: list[str] = ["app.exceptions:DemoExceptionHandler"]
    MIDDLEWARE: list[str] = ["app.middleware:TimingMiddleware"]
