"""TaskManager: scheduled jobs, job control, background tasks, shutdown, errors."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from apscheduler.jobstores.base import JobLookupError
from loguru import logger

from surge import Request
from surge.controller import Controller, get, path
from surge.exceptions import ImproperlyConfigured
from surge.task_manager import TaskManager, schedule_job
from surge.testing import TestClient

from surge_testkit import make_app

runs: dict[str, list[Any]] = {}
events: dict[str, asyncio.Event] = {}


def record(name: str, value: Any = None) -> None:
    runs.setdefault(name, []).append(value)
    event = events.get(name)
    if event is not None:
        event.set()


class Scheduler(TaskManager):
    @schedule_job("interval", seconds=0.1, id="ticker")
    async def tick(self) -> None:
        record("tick", self.app.app_name)

    @schedule_job("cron", second="*")
    def every_second(self) -> None:
        record("cron", threading.current_thread() is threading.main_thread())

    @schedule_job("interval", seconds=0.1, id="broken")
    async def broken(self) -> None:
        record("broken")
        raise ValueError("job exploded")


scheduler = Scheduler()


@path("/")
class Api(Controller):
    @get("/sync-handler")
    def sync_handler(self, req: Request) -> dict[str, Any]:
        scheduler.run_background_task(record, "from-thread", threading.current_thread().name)
        return {"ok": True}


@pytest.fixture
def log_messages():
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="INFO")
    yield messages
    logger.remove(sink)


@pytest.fixture
async def client():
    runs.clear()
    events.clear()
    app = make_app(Api, APP_NAME="jobs-app", TASK_MANAGER={"SHUTDOWN_TIMEOUT": 5})
    app.add_extension(scheduler)
    async with TestClient(app) as c:
        yield c


async def wait_for(name: str, count: int = 1, limit: float = 10) -> list[Any]:
    events[name] = asyncio.Event()
    async with asyncio.timeout(limit):
        while len(runs.get(name, [])) < count:
            events[name].clear()
            await events[name].wait()
    return runs[name]


async def test_interval_and_cron_jobs_run(client):
    assert (await wait_for("tick", 3))[:3] == ["jobs-app"] * 3
    assert (await wait_for("cron"))[0] is False  # sync job methods run in a worker thread
    assert scheduler.get_job("ticker") is not None
    assert scheduler.get_job("Scheduler.every_second").name == "Scheduler.every_second"


async def test_failing_job_is_logged(client, log_messages):
    await wait_for("broken", 2)
    await asyncio.sleep(0)
    assert any("Scheduled job 'broken' failed" in m and "job exploded" in m for m in log_messages)


async def test_add_pause_resume_remove(client):
    job = scheduler.add_job(record, "date", run_date=datetime.now() + timedelta(hours=1), args=["later"], id="later")
    assert scheduler.get_job("later").id == job.id
    assert "later" in scheduler.jobs
    assert scheduler.pause_job("later").next_run_time is None
    assert scheduler.get_job("later").next_run_time is None
    assert scheduler.resume_job(job).next_run_time is not None
    scheduler.remove_job(job)
    assert scheduler.get_job("later") is None
    with pytest.raises(JobLookupError):
        scheduler.remove_job("later")


async def test_date_job_added_at_runtime_runs(client):
    scheduler.add_job(record, "date", run_date=datetime.now() + timedelta(seconds=0.2), args=["soon", 42])
    assert await wait_for("soon") == [42]


async def test_method_jobs_added_at_runtime(client):
    scheduler.add_job(scheduler.tick, "date", run_date=datetime.now(), id="once")
    await wait_for("tick", 1)
    assert scheduler.get_job("once") is None  # a date job is removed after it ran


async def test_background_tasks_sync_async_and_from_a_thread(client, log_messages):
    async def add(a: int, b: int) -> int:
        return a + b

    assert await scheduler.run_background_task(add, 2, b=3) == 5
    assert await scheduler.run_background_task(lambda: threading.current_thread().name) != "MainThread"

    async def fails() -> None:
        raise KeyError("lost?")

    task = scheduler.run_background_task(fails)
    with pytest.raises(KeyError):
        await task
    await asyncio.sleep(0)
    assert any("Background task" in m and "fails" in m and "lost?" in m for m in log_messages)

    assert (await client.get("/sync-handler")).json() == {"ok": True}
    await wait_for("from-thread")


async def test_shutdown_awaits_tasks_and_cancels_the_stragglers(log_messages):
    runs.clear()
    app = make_app(TASK_MANAGER={"SHUTDOWN_TIMEOUT": 2})
    manager = Scheduler()
    app.add_extension(manager)

    async def quick() -> None:
        await asyncio.sleep(0.05)
        record("quick")

    async def endless() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            record("cancelled")
            raise

    async with TestClient(app):
        manager.run_background_task(quick)
        manager.run_background_task(endless)
        assert manager.pending_tasks == 2
    assert runs["quick"] == [None]
    assert runs["cancelled"] == [None]
    assert manager.pending_tasks == 0
    assert any("Cancelled background tasks" in m and "endless" in m for m in log_messages)
    assert not manager.scheduler.running


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"JOB_STORES": {"default": 42}}, "TASK_MANAGER.JOB_STORES.default"),
        ({"EXECUTORS": {"default": "fast"}}, "TASK_MANAGER.EXECUTORS.default"),
        ({"SCHEDULER": "apscheduler.schedulers.background:BackgroundScheduler"}, "TASK_MANAGER.SCHEDULER"),
        ({"JOBSTORES": {}}, "TASK_MANAGER.JOBSTORES"),
        ({"LOCK_RETRY_INTERVAL": 0}, "TASK_MANAGER.LOCK_RETRY_INTERVAL"),
    ],
)
def test_bad_config_names_the_key(section, named):
    app = make_app(TASK_MANAGER=section)
    with pytest.raises(ImproperlyConfigured, match=named.replace(".", r"\.")):
        app.add_extension(Scheduler())


def test_seed_style_config_objects_are_accepted():
    from apscheduler.executors.asyncio import AsyncIOExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    app = make_app(
        TASK_MANAGER={
            "JOB_STORES": {"default": MemoryJobStore()},
            "EXECUTORS": {"default": AsyncIOExecutor()},
            "JOB_DEFAULTS": {"coalesce": True, "max_instances": 1},
            "DAEMON": True,
            "SCHEDULER": AsyncIOScheduler,
            "TIMEZONE": "UTC",
        }
    )
    manager = Scheduler()
    app.add_extension(manager)
    assert isinstance(manager.scheduler, AsyncIOScheduler)
    assert str(manager.scheduler.timezone) == "UTC"
    assert app.extensions["task_manager"] is manager
