"""Persistent job stores (SQLite, PostgreSQL) survive a restart and take schedule changes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from surge.task_manager import TaskManager, schedule_job
from surge.task_manager.config import sync_database_url
from surge.testing import TestClient

from surge_testkit import make_app

runs: list[tuple[str, Any]] = []


def record_run(label: str) -> None:
    """A module-level job function: persistent stores keep it as 'module:function'."""
    runs.append(("function", label))


class Worker(TaskManager):
    @schedule_job("interval", hours=6, id="report")
    async def report(self) -> None:
        runs.append(("report", id(self)))

    @schedule_job("interval", seconds=0.1, id="heartbeat")
    async def heartbeat(self) -> None:
        runs.append(("heartbeat", id(self)))


async def wait_until(predicate, limit: float = 10) -> None:
    async with asyncio.timeout(limit):
        while not predicate():  # noqa: ASYNC110 - polling state changed by other tasks
            await asyncio.sleep(0.02)


@pytest.fixture(params=["sqlite", "postgresql"])
def job_store(request: pytest.FixtureRequest, tmp_path):
    """A SQLite file (URL form) or a fresh table in the real PostgreSQL (dict form)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}"
        return
    import sqlalchemy

    url = sync_database_url(request.getfixturevalue("postgres_url"))
    table = f"jobs_{uuid.uuid4().hex}"
    yield {"class": "apscheduler.jobstores.sqlalchemy:SQLAlchemyJobStore", "url": url, "tablename": table}
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f'DROP TABLE IF EXISTS "{table}"'))
    engine.dispose()


async def test_jobs_survive_a_restart(job_store):
    runs.clear()
    tag = uuid.uuid4().hex
    settings = {"JOB_STORES": {"default": job_store}}

    first = Worker()
    app = make_app(TASK_MANAGER=settings)
    app.add_extension(first)
    async with TestClient(app):
        first.pause_job("heartbeat")
        report_time = first.get_job("report").next_run_time
        later = datetime.now() + timedelta(hours=2)
        first.add_job(record_run, "date", run_date=later, args=[tag], id=f"later-{tag}")
        first.pause_scheduler()  # nothing runs here any more: the next job falls due while "down"
        first.add_job(
            record_run, "date", run_date=datetime.now() + timedelta(seconds=0.3), args=[tag],
            id=f"due-{tag}", misfire_grace_time=300,
        )
    await asyncio.sleep(0.4)
    assert ("function", tag) not in runs
    second = Worker()
    app = make_app(TASK_MANAGER=settings)
    app.add_extension(second)
    async with TestClient(app):
        assert second.get_job("report").next_run_time == report_time  # the schedule was kept
        assert second.get_job("heartbeat").next_run_time is None  # still paused
        assert second.get_job(f"later-{tag}").args == (tag,)
        await wait_until(lambda: ("function", tag) in runs)
        assert second.get_job(f"due-{tag}") is None
        assert not [r for r in runs if r[0] == "heartbeat"]
        second.resume_job("heartbeat")
        await wait_until(lambda: ("heartbeat", id(second)) in runs)


async def test_changed_schedule_replaces_the_stored_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    first = Worker()
    app = make_app(TASK_MANAGER={"JOB_STORES": {"default": url}})
    app.add_extension(first)
    async with TestClient(app):
        assert str(first.get_job("report").trigger) == "interval[6:00:00]"

    class Changed(TaskManager):
        @schedule_job("interval", hours=1, id="report")
        async def report(self) -> None:
            pass

    changed = Changed()
    app = make_app(TASK_MANAGER={"JOB_STORES": {"default": url}})
    app.add_extension(changed)
    async with TestClient(app):
        assert str(changed.get_job("report").trigger) == "interval[1:00:00]"
