"""``@queue.task`` functions and the ``Job`` handle that ``enqueue`` returns."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Literal, ParamSpec, Protocol, TypeVar

__all__ = ["Job", "JobStatus", "QueuedTask", "TaskOptions"]

P = ParamSpec("P")
R = TypeVar("R")

JobStatus = Literal["pending", "succeeded", "failed"]
"""``pending``: enqueued, running or waiting for a retry; ``succeeded``/``failed``: its last run's outcome."""


class _QueueHost(Protocol):
    """What a task and a job need of the ``TaskQueue`` (it never imports the extension)."""

    async def enqueue_task(self, task: QueuedTask[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Job[Any]: ...

    async def job_status(self, job_id: str) -> JobStatus: ...

    async def job_outcome(self, job_id: str) -> tuple[bool, Any]: ...


class TaskOptions:
    """What ``@queue.task(...)`` was given (None: the ``TASK_QUEUE`` default)."""

    __slots__ = ("name", "retries", "retry_delay", "timeout")

    def __init__(self, name: str, retries: int | None, retry_delay: float | None, timeout: float | None) -> None:
        self.name = name
        self.retries = retries
        self.retry_delay = retry_delay
        self.timeout = timeout


class Job(Generic[R]):
    """A handle on one enqueued job: its id, status and result (the result backend must be set)."""

    __slots__ = ("_queue", "id")

    def __init__(self, queue: _QueueHost, job_id: str) -> None:
        self._queue = queue
        self.id = job_id

    def __repr__(self) -> str:
        return f"<Job {self.id}>"

    async def status(self) -> JobStatus:
        """``pending``, ``succeeded`` or ``failed``."""
        return await self._queue.job_status(self.id)

    async def result(self, timeout: float | None = None, poll: float = 0.05) -> R:  # noqa: ASYNC109 - polls the backend
        """Wait for the job's last run and return its value.

        Raises:
            JobFailed: the job failed its last attempt.
            TimeoutError: not done within ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while await self._queue.job_status(self.id) == "pending":
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"job {self.id} not done after {timeout}s")
            await asyncio.sleep(poll)
        _, value = await self._queue.job_outcome(self.id)
        return value


class QueuedTask(Generic[P, R]):
    """A function that workers run: call it for a direct run, ``await task.enqueue(...)`` for a job.

    ``kiq`` is taskiq's name for ``enqueue``.
    """

    def __init__(self, queue: _QueueHost, func: Callable[P, Awaitable[R]] | Callable[P, R], options: TaskOptions) -> None:
        self._queue = queue
        self.func = func
        self.options = options
        self.__name__ = getattr(func, "__name__", options.name)
        self.__doc__ = func.__doc__

    @property
    def name(self) -> str:
        """The task's name in messages: the same in every process that imports it."""
        return self.options.name

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Awaitable[R] | R:
        return self.func(*args, **kwargs)

    async def enqueue(self, *args: P.args, **kwargs: P.kwargs) -> Job[R]:
        """Send a job to the broker; a worker runs it.

        Raises:
            QueueUnavailable: the broker cannot be reached (a request answers 503).
        """
        return await self._queue.enqueue_task(self, args, kwargs)

    kiq = enqueue
