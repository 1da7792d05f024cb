"""The seed README's task scheduling: @schedule_job, background tasks, job control.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: the APScheduler the seed configures."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from surge.testing import TestClient

SCHEDULER = """
    import asyncio

    from surge.task_manager import TaskManager, schedule_job

    RUNS: list[str] = []
    SENT: list[tuple] = []

    class Scheduler(TaskManager):

        @schedule_job("interval", minutes=1, id="my_job")
        async def some_task(self):
            print("Performing task")

        @schedule_job("interval", seconds=0.05, id="fast_job")
        async def fast_task(self):
            RUNS.append(self.app.app_name)

    async def send_email(to: str, subject: str = "") -> None:
        await asyncio.sleep(0.2)
        SENT.append((to, subject))

    def add_one() -> None:
        RUNS.append("added")

    scheduler: Scheduler = Scheduler()
"""


SCHEDULER_API = """
    from surge import Request, Response, MediaType
    from surge.controller import Controller, path, post, produces

    from app.scheduler import scheduler, send_email

    @path("/api/v1/users")
    class UsersApi(Controller):
        @post("/")
        @produces(MediaType.APPLICATION_JSON)
        async def create_user(self, req: Request) -> Response:
            scheduler.run_background_task(send_email, "ann@example.com", subject="Welcome")
            return req.response.json({"created": True})
"""


async def wait_for(predicate: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_task_manager_seed_scheduler(project):
    project.write("scheduler.py", SCHEDULER)
    project.write("api/users/user_api.py", SCHEDULER_API)
    project.config(
        """
        TASK_MANAGER: dict[str, Any] = {
            "JOB_STORES": {
                "default": MemoryJobStore()
            },
            "EXECUTORS": {
                "default": AsyncIOExecutor()
            },
            "JOB_DEFAULTS": {
                "coalesce": False,
                "max_instances": 3
            },
            "DAEMON": True,
            "SCHEDULER": AsyncIOScheduler
        }
        EXTENSIONS: list[str] = ['app.scheduler:scheduler']
        CONTROLLERS: list[str] = ['app.api.users.user_api:UsersApi']
        DEBUG: bool = False
        """,
        imports="""
        from apscheduler.executors.asyncio import AsyncIOExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        """,
    )
    app = project.application()
    module = project.module("scheduler")
    scheduler = module.scheduler
    async with TestClient(app) as client:
        job = scheduler.get_job("my_job")
        assert job is not None and "interval[0:01:00]" in str(job.trigger)
        await wait_for(lambda: len(module.RUNS) >= 2)  # @schedule_job methods run on their own
        assert module.RUNS[0] == "Seed app"

        started = time.monotonic()
        res = await client.post("/api/v1/users")
        assert res.status_code == 200 and time.monotonic() - started < 0.2  # fire & forget
        assert module.SENT == []
        await wait_for(lambda: module.SENT == [("ann@example.com", "Welcome")])

        scheduler.pause_job("fast_job")
        assert scheduler.get_job("fast_job").next_run_time is None
        scheduler.resume_job(scheduler.get_job("fast_job"))
        assert scheduler.get_job("fast_job").next_run_time is not None
        scheduler.remove_job("fast_job")
        assert scheduler.get_job("fast_job") is None

        added = scheduler.add_job(module.add_one, "interval", seconds=0.05, id="added")
        await wait_for(lambda: "added" in module.RUNS)
        scheduler.remove_job(added, job_store=None)
        assert scheduler.get_job("added") is None
