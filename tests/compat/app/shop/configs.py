"""Configuration of the shop application (a PyJolt-style app used by the compat check)."""

import os

from pyjolt import BaseConfig

DATA_DIR: str = os.environ.get("SHOP_DATA_DIR", os.path.dirname(__file__))
SMTP_PORT: int = int(os.environ.get("SHOP_SMTP_PORT", "8025"))


class Config(BaseConfig):
    """Application configuration."""

    APP_NAME: str = "Shop"
    VERSION: str = "1.0"
    SECRET_KEY: str = "shop-compat-secret-key-0123456789"
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = False

    SQL_DATABASE: dict = {
        "DATABASE_URI": f"sqlite+aiosqlite:///{DATA_DIR}/shop.db",
        "ALEMBIC_DATABASE_URI_SYNC": f"sqlite:///{DATA_DIR}/shop.db",
        "ALEMBIC_MIGRATION_DIR": "migrations",
    }
    AUDIT_DATABASE: dict = {
        "DATABASE_URI": f"sqlite+aiosqlite:///{DATA_DIR}/audit.db",
        "ALEMBIC_DATABASE_URI_SYNC": f"sqlite:///{DATA_DIR}/audit.db",
        "ALEMBIC_MIGRATION_DIR": "audit_migrations",
        "DATABASE_SESSION_NAME": "audit_session",
    }
    EMAIL_CLIENT: dict = {
        "SENDER_NAME_OR_ADDRESS": "shop@example.com",
        "SMTP_SERVER": "127.0.0.1",
        "SMTP_PORT": SMTP_PORT,
        "USE_TLS": False,  # a plain local relay
    }
    TASK_MANAGER: dict = {
        "JOB_DEFAULTS": {"coalesce": True, "max_instances": 1},
    }

    MODELS: list[str] = [
        "shop.models:User",
        "shop.models:Item",
        "shop.models:AuditEntry",
    ]
    EXTENSIONS: list[str] = [
        "shop.extensions:db",
        "shop.extensions:migrate",
        "shop.extensions:audit_db",
        "shop.extensions:audit_migrate",
        "shop.extensions:email_client",
        "shop.scheduler:scheduler",
    ]
    CONTROLLERS: list[str] = [
        "shop.api:AuthApi",
        "shop.api:ItemsApi",
        "shop.api:ReportsApi",
    ]
    CLI_CONTROLLERS: list[str] = [
        "shop.cli:ShopCLI",
    ]
    EXCEPTION_HANDLERS: list[str] = [
        "shop.exceptions:Handler",
    ]
    MIDDLEWARE: list[str] = [
        "shop.authentication:Auth",
    ]
