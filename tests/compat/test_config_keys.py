"""Every config key PyJolt's extensions know is accepted by Surge's; unknown keys fail naming SECTION.KEY.

The keys come from pyjolt_config_keys.json, generated from the PyJolt wheel by
scripts/pyjolt_config_keys.py. Deliberate exceptions:
- CACHE and NOSQL_DATABASE keep unknown keys (custom backends read their own keys from the
  section, as PyJolt's ``configure_from_app`` does), so no unknown-key case for them.
- Migrate reads the SQL_DATABASE section (as in PyJolt): its keys are checked there.
- BaseConfig keeps unknown top-level keys (an app's own settings live there); PyJolt's
  AUTO_RELOAD, STATIC_CONTROLLER_NAME and IN_MEMORY_LOG_BUFFER_SIZE are accepted and unused.
- the embeddings helpers have no config section of their own.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from surge import BaseConfig, Surge
from surge.admin import AdminDashboard
from surge.ai_interface import AiInterface
from surge.auth import Authentication
from surge.caching import Cache, MemoryCacheBackend
from surge.database.nosql import NoSqlDatabase
from surge.database.nosql.backends import MongoBackend
from surge.database.sql import SqlDatabase
from surge.database.sql.migrate import Migrate
from surge.email import EmailClient
from surge.exceptions import ImproperlyConfigured
from surge.logging import LoggerBase
from surge.security import Sessions
from surge.state_machine import StateMachine, step_method
from surge.state_machine.state_machine_controller import TransitionRequestData
from surge.task_manager import TaskManager

KEYS: dict[str, list[str]] = json.loads((Path(__file__).parent / "pyjolt_config_keys.json").read_text())

# A plausible value per key (by SECTION.KEY first, then by KEY).
VALUES: dict[str, Any] = {
    "CACHE.BACKEND": MemoryCacheBackend,
    "NOSQL_DATABASE.BACKEND": MongoBackend,
    "NOSQL_DATABASE.DATABASE_URI": "mongodb://127.0.0.1:27017",
    "SQL_DATABASE.DATABASE_URI": "sqlite+aiosqlite:///:memory:",
    "ALEMBIC_DATABASE_URI_SYNC": "sqlite:///:memory:",
    "ALEMBIC_MIGRATION_DIR": "migrations",
    "DURATION": 60,
    "CACHE_DURATION": 60,
    "KEY_PREFIX": "app:",
    "CACHE_KEY_PREFIX": "app:",
    "MEMORY_MAXSIZE": 100,
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "REDIS_PASSWORD": "pw",
    "SQLITE_PATH": ":memory:",
    "CACHE_SQLITE_PATH": ":memory:",
    "SQLITE_TABLE": "cache_entries",
    "CACHE_SQLITE_TABLE": "cache_entries",
    "SQLITE_WAL_CHECKPOINT_MODE": "FULL",
    "CACHE_SQLITE_WAL_CHECKPOINT_MODE": "FULL",
    "SQLITE_WAL_CHECKPOINT_EVERY": 10,
    "CACHE_SQLITE_WAL_CHECKPOINT_EVERY": 10,
    "DATABASE_SESSION_NAME": "session",
    "SESSION_NAME": "session",
    "SHOW_SQL": False,
    "NICE_NAME": "Main",
    "DATABASE_NAME": "app",
    "DB_INJECT_NAME": "db",
    "INJECT_NAME": "db",
    "SENDER_NAME_OR_ADDRESS": "App <app@example.com>",
    "SMTP_SERVER": "127.0.0.1",
    "SMTP_PORT": 1025,
    "USERNAME": "user",
    "PASSWORD": "secret",
    "USE_TLS": False,
    "DAEMON": True,
    "EXECUTORS": None,
    "JOB_DEFAULTS": {"coalesce": True, "max_instances": 1},
    "JOB_STORES": None,
    "SCHEDULER": None,
    "API_KEY": "sk-test",
    "API_BASE_URL": "http://127.0.0.1:9/v1",
    "CHAT_CONTEXT_NAME": "chat_context",
    "MAX_RETRIES": 0,
    "MODEL": "gpt-4o-mini",
    "ORGANIZATION_ID": "org",
    "PROJECT_ID": "proj",
    "RESPONSE_FORMAT": {"type": "text"},
    "TEMPERATURE": 0.5,
    "TIMEOUT": 5,
    "TOOL_CHOICE": False,
    "DASHBOARD_URL": "/admin",
    "LOGO_URL": "/static/logo.png",
    "URL_FOR_FOR_LOGIN": "Login.form",
    "URL_FOR_FOR_LOGOUT": "Login.logout",
    "URL_FOR_FOR_PASSWORD_RESET": "Login.reset",
    "USE_REMEMBER_ME": True,
    "API_URL": "/api/flow",
    "INCLUDE_OPEN_API": True,
    "USE_AUTH": False,
    "AUTHENTICATION_ERROR_MSG": "Log in first",
    "AUTHORIZATION_ERROR_MSG": "Not yours",
}
class Users(Authentication):
    async def user_loader(self, req: Any) -> None:
        return None


class Dashboard(AdminDashboard):
    async def has_enter_permission(self, req: Any) -> bool:
        return True


class Step(Enum):
    GO = "go"


class State(Enum):
    IDLE = "idle"
    DONE = "done"


class Flow(StateMachine):
    def __init__(self) -> None:
        super().__init__(Step, State, {State.IDLE: {Step.GO: State.DONE}})

    async def context_loader(self, req: Any, transition_request: dict[str, Any]) -> tuple[State, Any]:
        return State.IDLE, None

    @step_method(Step.GO)
    async def go(self, req: Any, transition_request: dict[str, Any], context: Any, next_state: State) -> None:
        return None


VALUES["TRANSITION_DATA"] = TransitionRequestData


def _sql() -> list[Any]:
    db = SqlDatabase()
    return [db, Migrate(db)]


FACTORIES: dict[str, Any] = {
    "SQL_DATABASE": _sql,
    "NOSQL_DATABASE": lambda: [NoSqlDatabase()],
    "CACHE": lambda: [Cache()],
    "EMAIL_CLIENT": lambda: [EmailClient()],
    "TASK_MANAGER": lambda: [TaskManager()],
    "AI_INTERFACE": lambda: [AiInterface()],
    "AUTHENTICATION": lambda: [Users()],
    "ADMIN_DASHBOARD": lambda: [Sessions(), Dashboard()],
    "STATE_MACHINE": lambda: [Flow()],
}
REQUIRED: dict[str, list[str]] = {  # keys a section cannot start without
    "SQL_DATABASE": ["DATABASE_URI"],
    "NOSQL_DATABASE": ["BACKEND", "DATABASE_URI"],
    "EMAIL_CLIENT": ["SENDER_NAME_OR_ADDRESS", "SMTP_SERVER", "SMTP_PORT"],
    "AI_INTERFACE": ["API_KEY", "MODEL"],
    "ADMIN_DASHBOARD": ["URL_FOR_FOR_LOGIN", "URL_FOR_FOR_LOGOUT"],
}
KEYS_OF = {**KEYS, "SQL_DATABASE": sorted(set(KEYS["SQL_DATABASE"]) | set(KEYS["MIGRATE"]))}


def value(section: str, key: str) -> Any:
    return VALUES.get(f"{section}.{key}", VALUES.get(key))


def build(section: str, settings: dict[str, Any]) -> Surge:
    app = Surge(__name__, configs=BaseConfig(DEBUG=False, SECRET_KEY="k" * 32, **{section: settings}))
    for extension in FACTORIES[section]():
        app.add_extension(extension)
    return app


def section_with(section: str, key: str) -> dict[str, Any]:
    settings = {name: value(section, name) for name in REQUIRED.get(section, [])}
    settings[key] = value(section, key)
    if section == "EMAIL_CLIENT" and key in ("USERNAME", "PASSWORD"):  # a login is both or neither
        settings.update(USERNAME="user", PASSWORD="secret")
    return settings


CASES = [(section, key) for section in FACTORIES for key in KEYS_OF[section]]


def test_the_generated_key_list_covers_every_section() -> None:
    assert set(FACTORIES) | {"BASE_CONFIG", "LOGGER", "MIGRATE"} == set(KEYS)
    assert "CACHE_SQLITE_PATH" in KEYS["CACHE"] and "NICE_NAME" in KEYS["TASK_MANAGER"]
    missing = [f"{s}.{k}" for s, k in CASES if value(s, k) is None and k not in ("EXECUTORS", "JOB_STORES", "SCHEDULER")]
    assert not missing, "give these keys a plausible value"


@pytest.mark.parametrize(("section", "key"), CASES, ids=[f"{s}.{k}" for s, k in CASES])
def test_each_pyjolt_key_is_accepted(section: str, key: str) -> None:
    build(section, section_with(section, key))


@pytest.mark.parametrize("section", sorted(set(FACTORIES) - {"CACHE", "NOSQL_DATABASE"}))
def test_an_unknown_key_fails_at_startup_naming_section_and_key(section: str) -> None:
    settings = section_with(section, "NOT_A_PYJOLT_KEY")
    with pytest.raises(ImproperlyConfigured, match=f"{section}.NOT_A_PYJOLT_KEY"):
        build(section, settings)


def test_pyjolts_cache_sqlite_spelling_reaches_the_backend(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    cache = Cache()
    app = Surge(__name__, configs=BaseConfig(DEBUG=False, CACHE={
        "BACKEND": "surge.caching:SqliteCacheBackend", "CACHE_SQLITE_PATH": str(path), "CACHE_SQLITE_TABLE": "pj"}))
    app.add_extension(cache)
    assert (cache.backend.path, cache.backend.table) == (str(path), "pj")


class AppLogger(LoggerBase):
    """Configured by APP_LOGGER."""


@pytest.mark.parametrize("key", KEYS["LOGGER"])
def test_each_pyjolt_logger_key_is_accepted(key: str) -> None:
    values = {"SINK": "STDERR", "LEVEL": "INFO", "FORMAT": "{message}", "ROTATION": "10 MB", "RETENTION": "5 files",
              "COMPRESSION": "zip", "ENCODING": "utf-8", "MODE": "a"}
    app = Surge(__name__, configs=BaseConfig(DEBUG=False, APP_LOGGER={key: values.get(key, True)}))
    AppLogger(app)


def test_an_unknown_logger_key_fails_naming_it() -> None:
    app = Surge(__name__, configs=BaseConfig(DEBUG=False, APP_LOGGER={"LEVLE": "INFO"}))
    with pytest.raises(ImproperlyConfigured, match="APP_LOGGER.LEVLE"):
        AppLogger(app)


def test_each_pyjolt_base_config_key_is_accepted() -> None:
    values = {key: getattr(BaseConfig(), key, None) for key in KEYS["BASE_CONFIG"]}
    values.update(APP_NAME="PyJolt app", VERSION="1.0", AUTO_RELOAD=False, STATIC_CONTROLLER_NAME="static",
                  IN_MEMORY_LOG_BUFFER_SIZE=100, DEBUG=False, HOST="127.0.0.1", PORT=8080, LIFESPAN="on")
    Surge(__name__, configs=BaseConfig(**{k: v for k, v in values.items() if v is not None}))
