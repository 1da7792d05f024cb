"""The app the task queue tests run in web and worker processes (configured by environment).

JOBS_BROKER, JOBS_RESULT_BACKEND, JOBS_QUEUE, JOBS_TABLE, JOBS_DB name the broker, the result
backend, the queue and the PostgreSQL tables (``<table>_done`` with a unique job number,
``<table>_runs`` with every committed run, ``<table>_attempts`` with every attempt).
"""

from __future__ import annotations

import asyncio
import os

from sqlalchemy import text

from surge import BaseConfig, Request, Response, Surge, app
from surge.controller import Controller, get, path, post
from surge.database.sql import AsyncSession, SqlDatabase
from surge.task_queue import TaskQueue, current_job


def _t() -> str:
    return os.environ.get("JOBS_TABLE", "jobs")


db = SqlDatabase()
queue = TaskQueue()


@queue.task(retries=0)
@db.managed_session
async def record(n: int, hold: float = 0.0, session: AsyncSession | None = None) -> int:
    """Write job ``n`` once (unique), and log this run."""
    assert session is not None
    job = current_job()
    await session.execute(text(f"INSERT INTO {_t()}_runs (n, job_id, pid) VALUES (:n, :j, :p)"), {"n": n, "j": job.id, "p": os.getpid()})
    if hold:
        await session.execute(text("SELECT pg_sleep(:s)"), {"s": hold})
    await session.execute(text(f"INSERT INTO {_t()}_done (n, job_id) VALUES (:n, :j) ON CONFLICT (n) DO NOTHING"), {"n": n, "j": job.id})
    return n


@queue.task(retries=2, retry_delay=0.1)
@db.managed_session
async def flaky(n: int, session: AsyncSession | None = None) -> str:
    """Fail on the first two attempts, succeed on the third."""
    assert session is not None
    job = current_job()
    await session.execute(text(f"INSERT INTO {_t()}_attempts (n, attempt) VALUES (:n, :a)"), {"n": n, "a": job.attempt})
    await session.commit()
    if job.attempt < 3:
        raise RuntimeError(f"attempt {job.attempt} fails")
    return f"done on attempt {job.attempt}"


@queue.task(retries=2, retry_delay=0.1)
async def always_fails(n: int) -> None:
    """Fail every attempt: ends in the dead letters."""
    raise ValueError(f"job {n} always fails")


@queue.task(timeout=0.2)
async def too_slow() -> None:
    """Runs past its timeout."""
    await asyncio.sleep(5)


@path("/jobs")
class Jobs(Controller):
    @post("/record/<int:n>")
    async def enqueue_record(self, req: Request, n: int) -> Response:
        job = await record.enqueue(n)
        return req.response.json({"id": job.id}).status(202)

    @post("/flaky/<int:n>")
    async def enqueue_flaky(self, req: Request, n: int) -> Response:
        job = await flaky.kiq(n)
        return req.response.json({"id": job.id}).status(202)

    @get("/<job_id>")
    async def status(self, req: Request, job_id: str) -> Response:
        return req.response.json({"status": await queue.job(job_id).status()})


class Config(BaseConfig):
    DEBUG: bool = False
    SECRET_KEY: str = "task-queue-tests-secret-0123456789abcdef"
    EXTENSIONS: list[str] = ["jobs_app:db", "jobs_app:queue"]
    CONTROLLERS: list[str] = ["jobs_app:Jobs"]
    SQL_DATABASE: dict[str, object] = {"DATABASE_URI": os.environ.get("JOBS_DB", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")}
    TASK_QUEUE: dict[str, object] = {
        "BROKER": os.environ.get("JOBS_BROKER", "memory"),
        "RESULT_BACKEND": os.environ.get("JOBS_RESULT_BACKEND") or None,
        "QUEUE_NAME": os.environ.get("JOBS_QUEUE", "surge-tests"),
        "REDELIVER_AFTER": float(os.environ.get("JOBS_REDELIVER_AFTER", "3")),
        "CONCURRENCY": int(os.environ.get("JOBS_CONCURRENCY", "20")),
        "SHUTDOWN_TIMEOUT": 10.0,
    }


@app(__name__, configs=Config)
class Application(Surge):
    pass
