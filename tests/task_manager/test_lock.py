"""The scheduler lock: one worker runs the jobs; another takes over when the leader stops."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from surge.task_manager import TaskManager, schedule_job
from surge.testing import TestClient

from surge_testkit import make_app

runs: list[tuple[str, Any]] = []


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
