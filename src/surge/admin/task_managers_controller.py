"""The task manager pages: every job with its schedule, and pause, resume and run-now buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from surge.admin._errors import AdminNotFound
from surge.admin.common_controller import CommonAdminController
from surge.controller import get, post
from surge.http.request import Request
from surge.http.response import Response

if TYPE_CHECKING:
    from surge.task_manager.manager import TaskManager

__all__ = ["AdminTaskManagersController"]

_NOTICES = {"paused": "Job paused.", "resumed": "Job resumed.", "started": "Job started."}


class AdminTaskManagersController(CommonAdminController):
    """Lists the jobs of each TaskManager and acts on them."""

    async def _manager(self, req: Request, manager_name: str) -> TaskManager:
        await self.can_enter(req)
        manager = (self.dashboard.get_task_managers() or {}).get(manager_name)
        if manager is None:
            raise AdminNotFound(f"No task manager named {manager_name!r}.")
        allowed = await self.dashboard.has_task_manager_permission(req, manager)
        self.require(req, allowed, f"use the task manager {manager_name}")
        return manager

    async def _job(self, req: Request, manager_name: str, task_id: str) -> tuple[TaskManager, Any]:
        manager = await self._manager(req, manager_name)
        await self.checked_form(req)
        job = manager.get_job(task_id)
        if job is None:
            raise AdminNotFound(f"No job {task_id!r} in {manager_name}.")
        return manager, job

    def _back(self, req: Request, manager_name: str, notice: str) -> Response:
        return req.response.redirect(self.dashboard.renderer.url(f"/task-managers/{manager_name}?notice={notice}"))

    @get("/task-managers")
    async def task_managers(self, req: Request) -> Response:
        """Every task manager of the app, with its number of jobs."""
        await self.can_enter(req)
        managers = self.dashboard.get_task_managers() or {}
        allowed = {name: await self.dashboard.has_task_manager_permission(req, m) for name, m in managers.items()}
        return await self.page(req, "task_managers.html", {"allowed": allowed})

    @get("/task-managers/<string:manager_name>")
    async def task_manager(self, req: Request, manager_name: str) -> Response:
        """The jobs of one task manager: id, name, trigger, next run (none while paused)."""
        manager = await self._manager(req, manager_name)
        jobs = sorted(manager.jobs.values(), key=lambda job: job.id)
        return await self.page(req, "task_manager.html", {
            "manager_name": manager_name, "jobs": jobs, "notice": _NOTICES.get(str(req.query_params.get("notice", ""))),
        })

    @post("/task-managers/<string:manager_name>/run/<string:task_id>")
    async def run_task(self, req: Request, manager_name: str, task_id: str) -> Response:
        """Run a job now, in the background, outside its schedule (paused jobs too)."""
        manager, job = await self._job(req, manager_name, task_id)
        manager.run_background_task(job.func, *job.args, **job.kwargs)
        self.dashboard.log_action(req, "job-run", manager=manager_name, job=task_id)
        return self._back(req, manager_name, "started")

    @post("/task-managers/<string:manager_name>/pause/<string:task_id>")
    async def pause_task(self, req: Request, manager_name: str, task_id: str) -> Response:
        """Pause a job until it is resumed."""
        manager, job = await self._job(req, manager_name, task_id)
        manager.pause_job(job.id)
        self.dashboard.log_action(req, "job-pause", manager=manager_name, job=task_id)
        return self._back(req, manager_name, "paused")

    @post("/task-managers/<string:manager_name>/resume/<string:task_id>")
    async def resume_task(self, req: Request, manager_name: str, task_id: str) -> Response:
        """Resume a paused job."""
        manager, job = await self._job(req, manager_name, task_id)
        manager.resume_job(job.id)
        self.dashboard.log_action(req, "job-resume", manager=manager_name, job=task_id)
        return self._back(req, manager_name, "resumed")
