"""The ``TASK_MANAGER`` config section and how its values become APScheduler objects."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from surge._imports import import_string
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import require

__all__ = ["TaskManagerConfig", "build_executors", "build_job_stores", "resolve_scheduler_class", "sync_database_url"]


class TaskManagerConfig(BaseModel):
    """Keys of the ``TASK_MANAGER`` section (defaults as in the seed)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    JOB_STORES: dict[str, Any] | None = Field(
        None,
        description="alias -> job store: an APScheduler JobStore, its dict config, 'memory', or a database URL "
        "(SQLAlchemyJobStore). None: {'default': MemoryJobStore()}",
    )
    EXECUTORS: dict[str, Any] | None = Field(None, description="alias -> executor. None: {'default': AsyncIOExecutor()}")
    JOB_DEFAULTS: dict[str, Any] = Field(
        default_factory=lambda: {"coalesce": False, "max_instances": 3},
        description="Defaults for every job (coalesce, max_instances, misfire_grace_time)",
    )
    DAEMON: bool = Field(True, description="Passed to the scheduler (only thread-based schedulers use it)")
    NICE_NAME: str = Field("Task manager", description="Human-readable name (PyJolt shows it in its admin dashboard)")
    SCHEDULER: Any = Field(None, description="Scheduler class (AsyncIOScheduler or a subclass) or 'module:Class'")
    TIMEZONE: str | None = Field(None, description="Time zone of cron and date triggers; None: the machine's")
    LOCK: str | None = Field(
        None, description="Run jobs in one worker only: 'file:/path/to/lock' or 'postgresql://...' (advisory lock)"
    )
    LOCK_NAME: str = Field("surge-task-manager", description="Name hashed into the PostgreSQL advisory lock key")
    LOCK_RETRY_INTERVAL: float = Field(15.0, gt=0, description="Seconds between a follower's attempts at the lock")
    POLL_INTERVAL: float = Field(
        10.0, gt=0, description="Seconds between looks at shared job stores for jobs added by other workers"
    )
    SHUTDOWN_TIMEOUT: float = Field(10.0, ge=0, description="Seconds background tasks get to finish at shutdown")


def sync_database_url(url: str) -> str:
    """The synchronous SQLAlchemy URL for ``url`` (APScheduler's SQLAlchemyJobStore is sync).

    ``sqlite+aiosqlite://`` becomes ``sqlite://``; PostgreSQL URLs use psycopg (3).
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    dialect, _, _driver = scheme.partition("+")
    if dialect == "sqlite":
        return f"sqlite://{rest}"
    if dialect in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def build_job_stores(raw: dict[str, Any] | None, section: str) -> dict[str, Any]:
    """Job store objects (or APScheduler dict configs) keyed by alias.

    Raises:
        ImproperlyConfigured: an entry is of an unknown kind; the message names it.
    """
    from apscheduler.jobstores.base import BaseJobStore
    from apscheduler.jobstores.memory import MemoryJobStore

    if raw is None:
        return {"default": MemoryJobStore()}
    stores: dict[str, Any] = {}
    for alias, value in raw.items():
        where = f"{section}.JOB_STORES.{alias}"
        if isinstance(value, BaseJobStore):
            stores[alias] = value
        elif isinstance(value, dict):
            stores[alias] = dict(value)  # APScheduler pops keys from it
        elif isinstance(value, str) and value == "memory":
            stores[alias] = MemoryJobStore()
        elif isinstance(value, str) and "://" in value:
            stores[alias] = _sql_job_store(value, where)
        else:
            raise ImproperlyConfigured(
                f"{where} must be a JobStore, a dict, 'memory' or a database URL, got {value!r}"
            )
    return stores


def _sql_job_store(url: str, where: str) -> object:
    """An APScheduler ``SQLAlchemyJobStore`` on the synchronous form of ``url``.

    Raises:
        MissingDependency: SQLAlchemy (or psycopg, for PostgreSQL) is not installed.
        ImproperlyConfigured: the URL's driver cannot be loaded; the message names ``where``.
    """
    require("sqlalchemy", "scheduler")
    sync_url = sync_database_url(url)
    if sync_url.startswith("postgresql+psycopg://"):
        require("psycopg", "scheduler")
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    try:
        return SQLAlchemyJobStore(url=sync_url)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{where}: cannot create a SQLAlchemy job store: {exc}") from exc


def build_executors(raw: dict[str, Any] | None, section: str) -> dict[str, Any]:
    """Executor objects (or dict configs) keyed by alias.

    Raises:
        ImproperlyConfigured: an entry is not an executor or a dict.
    """
    from apscheduler.executors.asyncio import AsyncIOExecutor
    from apscheduler.executors.base import BaseExecutor

    if raw is None:
        return {"default": AsyncIOExecutor()}
    executors: dict[str, Any] = {}
    for alias, value in raw.items():
        if isinstance(value, BaseExecutor):
            executors[alias] = value
        elif isinstance(value, dict):
            executors[alias] = dict(value)
        else:
            raise ImproperlyConfigured(f"{section}.EXECUTORS.{alias} must be an executor or a dict, got {value!r}")
    return executors


def resolve_scheduler_class(value: object, section: str) -> type[Any]:
    """The scheduler class ``SCHEDULER`` names (default AsyncIOScheduler).

    Raises:
        ImproperlyConfigured: not an AsyncIOScheduler subclass (jobs and background tasks run
            on the app's event loop).
    """
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    if value is None:
        return AsyncIOScheduler
    if isinstance(value, str):
        value = import_string(value, f"{section}.SCHEDULER")
    if not (isinstance(value, type) and issubclass(value, AsyncIOScheduler)):
        raise ImproperlyConfigured(f"{section}.SCHEDULER must be AsyncIOScheduler or a subclass of it, got {value!r}")
    return value
