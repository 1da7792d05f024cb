"""Persistent job stores (SQLite, PostgreSQL) survive a restart; a lock makes one worker run jobs."""

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


def test_sync_database_url():
    assert sync_database_url("sqlite+aiosqlite:///./x.db") == "sqlite:///./x.db"
    assert sync_database_url("postgresql+asyncpg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sync_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


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


async def test_lock_runs_each_job_in_one_worker_only(tmp_path):
    runs.clear()
    settings = {
        "JOB_STORES": {"default": f"sqlite:///{tmp_path / 'jobs.db'}"},
        "LOCK": f"file:{tmp_path / 'scheduler.lock'}",
        "LOCK_RETRY_INTERVAL": 0.1,
        "POLL_INTERVAL": 0.2,
    }
    workers = [Worker(), Worker()]
    apps = [make_app(TASK_MANAGER=settings) for _ in workers]
    for app, worker in zip(apps, workers, strict=True):
        app.add_extension(worker)
    first, second = TestClient(apps[0]), TestClient(apps[1])
    await first.__aenter__()
    try:
        async with second:
            assert [w.is_leader for w in workers] == [True, False]
            await wait_until(lambda: len([r for r in runs if r[0] == "heartbeat"]) >= 5)
            await asyncio.sleep(0.3)
            assert {value for kind, value in runs if kind == "heartbeat"} == {id(workers[0])}

            await first.__aexit__()  # the leader stops: the other worker takes the lock over
            await wait_until(lambda: workers[1].is_leader)
            await wait_until(lambda: ("heartbeat", id(workers[1])) in runs)
            workers[1].scheduler.remove_all_jobs()
    finally:
        if workers[0].scheduler.running:
            await first.__aexit__()


async def test_postgres_advisory_lock_elects_one_leader(postgres_url):
    settings = {"LOCK": postgres_url, "LOCK_NAME": f"test-{uuid.uuid4().hex}", "LOCK_RETRY_INTERVAL": 0.1}
    workers = [Worker(), Worker()]
    apps = [make_app(TASK_MANAGER=settings) for _ in workers]
    for app, worker in zip(apps, workers, strict=True):
        app.add_extension(worker)
    second = TestClient(apps[1])
    async with TestClient(apps[0]):
        await second.__aenter__()
        assert [w.is_leader for w in workers] == [True, False]
    await wait_until(lambda: workers[1].is_leader)
    await second.__aexit__()
    assert not workers[1].is_leader
