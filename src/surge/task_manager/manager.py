"""``TaskManager``: scheduled jobs (APScheduler) and fire-and-forget background tasks."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import inspect
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from surge._marks import marked_members
from surge.exceptions.base import SurgeError
from surge.extension import BaseExtension, require
from surge.roles import ReadinessProbe
from surge.task_manager import _runner
from surge.task_manager._lock import LeaderLock, lock_from_setting
from surge.task_manager.config import (
    TaskManagerConfig,
    build_executors,
    build_job_stores,
    resolve_scheduler_class,
)
from surge.task_manager.decorators import JOB_ATTR

if TYPE_CHECKING:
    from apscheduler.events import JobExecutionEvent
    from apscheduler.job import Job

    from surge.app import Surge

__all__ = ["TaskManager"]

_INTERNAL_STORE = "_surge_internal"
_POLL_ID = "surge:poll"


async def _poll() -> None:
    """A no-op job: each run makes the scheduler re-read shared job stores."""


class TaskManager(BaseExtension[TaskManagerConfig], ReadinessProbe):
    """Subclass it, decorate methods with ``@schedule_job``, list the instance in EXTENSIONS.

    Jobs run on the app's event loop (async methods) or in a thread (sync ones). Exceptions of
    jobs and background tasks are logged with the app logger. With ``LOCK`` set, only the
    worker holding the lock runs scheduled jobs; the others keep their scheduler paused and
    take over when the holder dies.
    """

    config_model = TaskManagerConfig

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name or "TASK_MANAGER")
        self._scheduler: Any = None
        self._config = TaskManagerConfig()
        self._lock: LeaderLock | None = None
        self._is_leader = False
        self._lock_task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._defined_jobs: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        for name, marker in marked_members(type(self), JOB_ATTR):
            assert isinstance(marker, tuple)  # (args, kwargs), as @schedule_job records them
            self._defined_jobs.append((name, marker[0], marker[1]))

    # -- setup ------------------------------------------------------------------------------------
    def validate_config(self, app: Surge) -> TaskManagerConfig:
        """The section, validated; APScheduler must be installed before anything is registered.

        Raises:
            ImproperlyConfigured: a key is invalid; the message names it.
            MissingDependency: APScheduler is not installed.
        """
        require("apscheduler", "scheduler")
        return super().validate_config(app)

    def configure(self, app: Surge, config: TaskManagerConfig) -> None:
        """Build the scheduler (started at app startup).

        Raises:
            ImproperlyConfigured: a job store, executor, scheduler or lock is invalid; the
                message names the key.
            MissingDependency: a job store or lock needs a package of the ``scheduler`` extra.
        """
        section = self.configs_name
        self._config = config
        scheduler_class = resolve_scheduler_class(config.SCHEDULER, section)
        options: dict[str, Any] = {
            "jobstores": build_job_stores(config.JOB_STORES, section),
            "executors": build_executors(config.EXECUTORS, section),
            "job_defaults": dict(config.JOB_DEFAULTS),
            "daemon": config.DAEMON,
        }
        if config.TIMEZONE is not None:
            options["timezone"] = config.TIMEZONE
        self._scheduler = scheduler_class(**options)
        self._lock = lock_from_setting(config.LOCK, config.LOCK_NAME, section) if config.LOCK else None

    @property
    def scheduler(self) -> Any:
        """The APScheduler scheduler.

        Raises:
            RuntimeError: the extension is not initialized.
        """
        self.app  # noqa: B018 - the one "bound to an app" check
        return self._scheduler

    @property
    def is_leader(self) -> bool:
        """True when this process runs scheduled jobs (always, without ``LOCK``)."""
        return self._is_leader

    async def check_ready(self) -> None:
        """For ``/readyz``: the scheduler runs (paused on a worker that does not hold the lock).

        Raises:
            SurgeError: the scheduler is not running (not started, or shut down).
        """
        scheduler = self._scheduler
        if scheduler is None or not scheduler.running:
            raise SurgeError(f"{self.configs_name}: the scheduler is not running")

    # -- lifecycle --------------------------------------------------------------------------------
    async def startup(self) -> None:
        """Start the scheduler (paused unless this worker holds the lock) and add the jobs."""
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED
        from apscheduler.jobstores.memory import MemoryJobStore

        self._loop = asyncio.get_running_loop()
        scheduler = self.scheduler
        scheduler.add_listener(self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        shared = any(not isinstance(store, MemoryJobStore) for store in scheduler._jobstores.values())
        leader = await self._try_lock()
        scheduler.start(paused=not leader)
        if shared:
            scheduler.add_jobstore(MemoryJobStore(), _INTERNAL_STORE)
            scheduler.add_job(
                _poll, "interval", seconds=self._config.POLL_INTERVAL, id=_POLL_ID, jobstore=_INTERNAL_STORE
            )
        for name, args, kwargs in self._defined_jobs:
            self._add_defined_job(name, args, kwargs)
        self._set_leader(leader)
        if self._lock is not None:
            self._lock_task = asyncio.create_task(self._watch_lock(), name=f"{self.configs_name} lock")

    async def shutdown(self) -> None:
        """Let background tasks finish (``SHUTDOWN_TIMEOUT``), cancel the rest, stop the scheduler."""
        if self._lock_task is not None:
            self._lock_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lock_task
            self._lock_task = None
        await self._drain_tasks(self._config.SHUTDOWN_TIMEOUT)
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the next loop iteration
        self._set_leader(False)
        if self._lock is not None:
            await self._lock.release()

    async def _try_lock(self) -> bool:
        if self._lock is None:
            return True
        try:
            return await self._lock.try_acquire()
        except Exception as exc:
            self.app.logger.warning(f"{self.configs_name}: cannot take the scheduler lock: {exc!r}")
            return False

    def _set_leader(self, leader: bool) -> None:
        self._is_leader = leader
        if leader:
            _runner.activate(self.configs_name, self)
        else:
            _runner.deactivate(self.configs_name, self)

    async def _watch_lock(self) -> None:
        """Followers retry the lock; the leader checks it still holds it."""
        assert self._lock is not None
        while True:
            await asyncio.sleep(self._config.LOCK_RETRY_INTERVAL)
            if self._is_leader:
                if not await self._lock.still_held():
                    self.app.logger.warning(f"{self.configs_name}: lost the scheduler lock; pausing jobs")
                    self._set_leader(False)
                    self.scheduler.pause()
            elif await self._try_lock():
                self.app.logger.info(f"{self.configs_name}: took the scheduler lock; running jobs")
                self._set_leader(True)
                self.scheduler.resume()

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if getattr(event, "exception", None) is not None:
            self.app.logger.opt(exception=event.exception).error(f"Scheduled job {event.job_id!r} failed")
        else:
            self.app.logger.warning(f"Scheduled job {event.job_id!r} missed its run time {event.scheduled_run_time}")

    # -- scheduled jobs ---------------------------------------------------------------------------
    def _job_target(self, func: Callable[..., Any] | str, kwargs: dict[str, Any]) -> Callable[..., Any] | str:
        """Point jobs of this manager's methods at the module-level runner (storable)."""
        if inspect.ismethod(func) and func.__self__ is self:
            kwargs["args"] = (self.configs_name, func.__name__, *kwargs.get("args", ()))
            kwargs.setdefault("name", f"{type(self).__name__}.{func.__name__}")
            return _runner.RUNNER_REF
        return func

    def _add_defined_job(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Add an ``@schedule_job`` method, keeping the stored schedule when it has not changed."""
        options = dict(kwargs)
        options.setdefault("id", f"{type(self).__name__}.{name}")
        target = self._job_target(getattr(self, name), options)
        existing = self.scheduler.get_job(options["id"], options.get("jobstore"))
        job = self.scheduler.add_job(target, *args, replace_existing=True, **options)
        if existing is not None and str(existing.trigger) == str(job.trigger):
            if existing.next_run_time is None:
                job.pause()
            elif existing.next_run_time != job.next_run_time:
                job.modify(next_run_time=existing.next_run_time)

    def add_job(self, func: Callable[..., Any] | str, *args: object, **kwargs: object) -> Job:
        """Add a job; the arguments are those of APScheduler's ``add_job``.

        With a persistent job store ``func`` must be importable (a module-level function, a
        ``"module:function"`` string, or a method of this manager).
        """
        return self.scheduler.add_job(self._job_target(func, kwargs), *args, **kwargs)

    def remove_job(self, job: str | Job, job_store: str | None = None) -> None:
        """Remove a job by id or Job.

        Raises:
            apscheduler.jobstores.base.JobLookupError: no such job.
        """
        self.scheduler.remove_job(job if isinstance(job, str) else job.id, job_store)

    def pause_job(self, job: str | Job) -> Job:
        """Stop a job from running until :meth:`resume_job`."""
        return self.scheduler.pause_job(job if isinstance(job, str) else job.id)

    def resume_job(self, job: str | Job) -> Job | None:
        """Resume a paused job (None when it has no run time left)."""
        return self.scheduler.resume_job(job if isinstance(job, str) else job.id)

    def get_job(self, job_id: str) -> Job | None:
        """The job with ``job_id``, or None."""
        return self.scheduler.get_job(job_id)

    @property
    def jobs(self) -> dict[str, Job]:
        """Every job of the app's job stores, by id."""
        return {job.id: job for job in self.scheduler.get_jobs() if job.id != _POLL_ID}

    def start_scheduler(self) -> None:
        """Start job processing (normally done at app startup)."""
        if not self.scheduler.running:
            self.scheduler.start()

    def stop_scheduler(self) -> None:
        """Shut the scheduler down (normally done at app shutdown)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def pause_scheduler(self) -> None:
        """Pause job processing."""
        self.scheduler.pause()

    def resume_scheduler(self) -> None:
        """Resume job processing."""
        self.scheduler.resume()

    # -- background tasks -------------------------------------------------------------------------
    def run_background_task(
        self, func: Callable[..., Any], *args: object, **kwargs: object
    ) -> asyncio.Task[Any] | concurrent.futures.Future[Any]:
        """Start ``func(*args, **kwargs)`` without waiting for it (sync functions run in a thread).

        Exceptions are logged. At shutdown unfinished tasks get ``SHUTDOWN_TIMEOUT`` seconds,
        then are cancelled. Returns the asyncio Task (a concurrent Future when called from a
        thread other than the app's event loop, e.g. a sync handler).
        """
        coro = _runner.invoke(func, args, kwargs)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            return self._track(loop.create_task(coro, name=_name_of(func)))
        if self._loop is None or self._loop.is_closed():
            coro.close()
            raise RuntimeError("run_background_task needs a running event loop: start the app first")
        return asyncio.run_coroutine_threadsafe(self._tracked(coro, _name_of(func)), self._loop)

    async def _tracked(self, coro: Coroutine[Any, Any, Any], name: str) -> Any:
        return await self._track(asyncio.get_running_loop().create_task(coro, name=name))

    def _track(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and self._app is not None:
            self.app.logger.opt(exception=exc).error(f"Background task {task.get_name()!r} failed")

    @property
    def pending_tasks(self) -> int:
        """Background tasks not finished yet."""
        return sum(1 for task in self._tasks if not task.done())

    async def _drain_tasks(self, grace: float) -> None:
        pending = {task for task in self._tasks if not task.done()}
        if not pending:
            return
        _, still_running = await asyncio.wait(pending, timeout=grace or None)
        for task in still_running:
            task.cancel()
        if still_running:
            await asyncio.gather(*still_running, return_exceptions=True)
            names = ", ".join(sorted(task.get_name() for task in still_running))
            self.app.logger.warning(f"Cancelled background tasks still running at shutdown: {names}")


def _name_of(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", None) or repr(func)
