"""The ``TaskQueue`` extension: jobs on a real broker (Redis, RabbitMQ, NATS) through taskiq."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, overload

from taskiq import AsyncBroker, AsyncTaskiqDecoratedTask, InMemoryBroker
from taskiq.result_backends.dummy import DummyResultBackend

from surge.cli.controller import CLIController, CommandProvider
from surge.di import registry_of
from surge.extension import BaseExtension
from surge.task_queue._brokers import build_broker
from surge.task_queue._dead_letters import DeadLetter, DeadLetterStore, MemoryDeadLetters, RedisDeadLetters
from surge.task_queue._injection import inject_task
from surge.task_queue._retry import RetryMiddleware, RetryPolicy
from surge.task_queue.config import TaskQueueConfig
from surge.task_queue.errors import JobFailed, QueueUnavailable, TaskQueueError
from surge.task_queue.task import Job, JobStatus, QueuedTask, TaskOptions
from surge.task_queue.worker import WorkerCommands, run_worker

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["TaskQueue"]

P = ParamSpec("P")
R = TypeVar("R")


class TaskQueue(BaseExtension[TaskQueueConfig], CommandProvider):
    """Distributed jobs: ``@queue.task`` functions that ``surge worker`` processes run.

    Reads ``TASK_QUEUE = {"BROKER": ..., "RESULT_BACKEND": ..., ...}``. A web process only
    sends jobs (it connects to the broker on the first ``enqueue``); ``surge worker
    app:Application`` starts the app and runs them.
    """

    config_model = TaskQueueConfig

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name)
        self._tasks: dict[str, QueuedTask[Any, Any]] = {}
        self._bound: dict[str, AsyncTaskiqDecoratedTask[Any, Any]] = {}
        self._broker: AsyncBroker | None = None
        self._started = False
        self._injected = False
        self._policy: RetryPolicy = {}
        self._start_lock = asyncio.Lock()
        self.dead_letters: DeadLetterStore = MemoryDeadLetters(1)

    @overload
    def task(self, func: Callable[P, R], /) -> QueuedTask[P, R]: ...  # noqa: D102

    @overload
    def task(
        self, func: None = None, /, *, name: str | None = None, retries: int | None = None, retry_delay: float | None = None,
        timeout: float | None = None,
    ) -> Callable[[Callable[P, R]], QueuedTask[P, R]]: ...

    def task(
        self, func: Callable[P, R] | None = None, /, *, name: str | None = None, retries: int | None = None,
        retry_delay: float | None = None, timeout: float | None = None,
    ) -> QueuedTask[P, R] | Callable[[Callable[P, R]], QueuedTask[P, R]]:
        """Make ``func`` a task: ``retries`` after the first failed run, ``retry_delay`` seconds
        apart, each run failing after ``timeout`` seconds (None: the ``TASK_QUEUE`` defaults)."""

        def decorate(target: Callable[P, R]) -> QueuedTask[P, R]:
            task_name = name or f"{target.__module__}:{target.__qualname__}"
            queued: QueuedTask[P, R] = QueuedTask(self, target, TaskOptions(task_name, retries, retry_delay, timeout))
            self._tasks[task_name] = queued
            if self._broker is not None:  # defined after init_app (after startup: injected now)
                self._bind(queued, inject_task(registry_of(self.app), task_name, target) if self._injected else None)
            return queued

        return decorate(func) if func is not None else decorate

    @property
    def broker(self) -> AsyncBroker:
        """The taskiq broker (built at startup from ``TASK_QUEUE``)."""
        if self._broker is None:
            raise TaskQueueError(f"{self.configs_name}: the task queue is not configured (list it in EXTENSIONS)")
        return self._broker

    def configure(self, app: Surge, config: TaskQueueConfig) -> None:
        self.config = config
        self._broker = build_broker(config)
        self._started = False
        backend_url = config.result_backend_url()
        if backend_url is not None and backend_url != "memory":
            self.dead_letters = RedisDeadLetters(backend_url, config.QUEUE_NAME, config.DEAD_LETTER_LIMIT)
        else:
            self.dead_letters = MemoryDeadLetters(config.DEAD_LETTER_LIMIT)
        self._policy.clear()
        self._broker.add_middlewares(RetryMiddleware(self.dead_letters, app.logger, self._policy))
        self._bound = {}
        self._injected = False
        for queued in self._tasks.values():
            self._bind(queued)
        app.exception_registry.add(QueueUnavailable, _unavailable_response)

    def _bind(self, queued: QueuedTask[Any, Any], run: Callable[..., Any] | None = None) -> None:
        """Register ``queued`` with the broker, run as ``run`` (its function with providers injected)."""
        options = queued.options
        retries = self.config.RETRIES if options.retries is None else options.retries
        delay = self.config.RETRY_DELAY if options.retry_delay is None else options.retry_delay
        timeout = self.config.TIMEOUT if options.timeout is None else options.timeout
        self._policy[options.name] = (retries, delay)
        labels: dict[str, Any] = {}
        if timeout is not None:  # taskiq's receiver reads it from the message
            labels["timeout"] = timeout
        self._bound[options.name] = self.broker.register_task(run or queued.func, options.name, **labels)

    async def startup(self) -> None:
        """Plan each task's injected providers once (a missing one fails the startup naming it)."""
        if self._injected:
            return
        registry = registry_of(self.app)
        for queued in self._tasks.values():
            run = inject_task(registry, queued.name, queued.func)
            if run is not None:
                self._bind(queued, run)
        self._injected = True

    async def _ensure_started(self) -> AsyncBroker:
        broker = self.broker
        if self._started:
            return broker
        async with self._start_lock:
            if not self._started:
                await broker.startup()
                self._started = True
        return broker

    async def enqueue_task(self, task: QueuedTask[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Job[Any]:
        """Send one job (``QueuedTask.enqueue`` calls this)."""
        bound = self._bound.get(task.name)
        if bound is None:
            raise TaskQueueError(f"task {task.name!r} belongs to another task queue")
        try:
            if not self._started:
                await self._ensure_started()
            sent = await bound.kiq(*args, **kwargs)
        except (TimeoutError, OSError, ConnectionError) as exc:
            raise QueueUnavailable(f"{self.configs_name}.BROKER cannot be reached: {exc!r}", self.config.UNAVAILABLE_RETRY_AFTER) from exc
        except Exception as exc:
            if _is_connection_error(exc):
                raise QueueUnavailable(f"{self.configs_name}.BROKER cannot be reached: {exc!r}", self.config.UNAVAILABLE_RETRY_AFTER) from exc
            raise
        return Job(self, sent.task_id)

    def job(self, job_id: str) -> Job[Any]:
        """A handle on the job ``job_id`` (from ``Job.id``), e.g. to read its status in another request."""
        return Job(self, job_id)

    def _results(self) -> Any:
        backend = self.broker.result_backend
        if isinstance(backend, DummyResultBackend):
            raise TaskQueueError(f"{self.configs_name}.RESULT_BACKEND is not set: job status and results are not kept")
        return backend

    async def job_status(self, job_id: str) -> JobStatus:
        """``pending``, ``succeeded`` or ``failed`` (needs a result backend)."""
        backend = self._results()
        await self._ensure_started()
        if not await backend.is_result_ready(job_id):
            return "pending"
        result = await backend.get_result(job_id)
        return "failed" if result.is_err else "succeeded"

    async def job_outcome(self, job_id: str) -> tuple[bool, Any]:
        """``(True, value)`` of a succeeded job.

        Raises:
            JobFailed: the job failed its last attempt.
        """
        result = await self._results().get_result(job_id)
        if result.is_err:
            error = result.error
            raise JobFailed(job_id, f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error))
        return True, result.return_value

    async def dead_letter_list(self, limit: int = 100) -> list[DeadLetter]:
        """The most recent dead letters, newest first."""
        return await self.dead_letters.list(limit)

    async def run_worker(self, concurrency: int = 0, stop: asyncio.Event | None = None) -> None:
        """Run jobs in this process until ``stop`` is set or SIGTERM/SIGINT (what ``surge worker`` does).

        Start it before this process enqueues: a broker already started to send is restarted as a
        worker, which cuts the sends in flight.
        """
        broker = self.broker
        if isinstance(broker, InMemoryBroker):
            raise TaskQueueError(f"{self.configs_name}.BROKER is 'memory': jobs run in the process that enqueues them; set a broker URL to run workers")
        async with self._start_lock:
            if self._started:
                await broker.shutdown()
            broker.is_worker_process = True
            await broker.startup()
            self._started = True
        await run_worker(broker, self.config, self.app.logger, concurrency or self.config.CONCURRENCY, stop)

    async def shutdown(self) -> None:
        if self._started and self._broker is not None:
            self._started = False
            await self._broker.shutdown()
        if isinstance(self.dead_letters, RedisDeadLetters):
            await self.dead_letters.close()

    def cli_controllers(self) -> Sequence[CLIController]:
        return [WorkerCommands(self.app, self.run_worker)]


def _is_connection_error(exc: BaseException | None) -> bool:
    """A broker client's connection failure (taskiq's SendTaskError carries it as the cause)."""
    while exc is not None:
        names = {cls.__name__ for cls in type(exc).__mro__}
        if names & {"ConnectionError", "AMQPConnectionError", "NoServersError", "ConnectionClosedError", "TimeoutError"}:
            return True
        exc = exc.__cause__
    return False


async def _unavailable_response(req: Request, exc: BaseException) -> Response:
    """503 with ``Retry-After``: the broker cannot be reached now."""
    assert isinstance(exc, QueueUnavailable)
    response = req.app.response_class(req).json({"status": "error", "message": "The job queue is unavailable, retry later"})
    response = response.status(503)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response

