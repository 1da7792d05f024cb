"""Retries, dead letters and the current job: one taskiq middleware.

A failed run is kicked again (same job id, attempt + 1) after the task's ``retry_delay``, while
retries are left; the failed run saves no result, so the job's status stays ``pending``. The
last failure is saved as the job's result (status ``failed``), logged, and kept in the dead
letter store. The retry is enqueued before the failed run is acked: a worker killed in between
leaves one extra run, never a lost job.
"""

from __future__ import annotations

import asyncio
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from taskiq import TaskiqMessage, TaskiqMiddleware, TaskiqResult
from taskiq.exceptions import NoResultError
from taskiq.kicker import AsyncKicker

from surge.task_queue._dead_letters import DeadLetter, DeadLetterStore

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["ATTEMPT_LABEL", "JobContext", "RetryMiddleware", "RetryPolicy", "current_job"]

# PERF: the retry policy stays in the worker (``RetryPolicy``, by task name) instead of riding in
# labels on every message: NATS sends labels as headers, which cost ~20 % of the job rate.
ATTEMPT_LABEL = "surge_attempt"
"""The only label Surge adds to a message, and only to a retry: a first run carries none."""

RetryPolicy = dict[str, tuple[int, float]]
"""Task name -> (retries after the first failed run, seconds before each retry)."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """The job a task function is running for (``current_job()``)."""

    id: str
    task_name: str
    attempt: int
    """1 for the first run, 2 for the first retry, ..."""


_CURRENT: ContextVar[TaskiqMessage | None] = ContextVar("surge_current_job", default=None)


def current_job() -> JobContext:
    """The job being run; use ``current_job().id`` to make a task idempotent.

    Raises:
        LookupError: called outside a task run by a worker.
    """
    message = _CURRENT.get()
    if message is None:
        raise LookupError("current_job() is only available inside a task run by the task queue")
    return JobContext(message.task_id, message.task_name, _int_label(message, ATTEMPT_LABEL, 1))


def _int_label(message: TaskiqMessage, name: str, default: int) -> int:
    value = message.labels.get(name)
    return default if value is None else int(value)


class RetryMiddleware(TaskiqMiddleware):
    """Retries failed runs, keeps dead letters, exposes the current job to the task."""

    def __init__(self, store: DeadLetterStore, logger: Logger, policy: RetryPolicy) -> None:
        super().__init__()
        self.store = store
        self.logger = logger
        self.policy = policy

    def pre_execute(self, message: TaskiqMessage) -> TaskiqMessage:
        # PERF: runs in the job's own asyncio task, so the context variable is per job; the
        # JobContext is built only when the task asks for it.
        _CURRENT.set(message)
        return message

    async def on_error(self, message: TaskiqMessage, result: TaskiqResult[Any], exception: BaseException) -> None:
        if isinstance(exception, NoResultError):
            return
        attempt = _int_label(message, ATTEMPT_LABEL, 1)
        retries, delay = self.policy.get(message.task_name, (0, 0.0))
        error = f"{type(exception).__name__}: {exception}"
        if attempt <= retries:
            self.logger.warning(
                f"job {message.task_id} ({message.task_name}) failed on attempt {attempt} ({error}); retrying in {delay:g}s"
            )
            if delay:
                await asyncio.sleep(delay)
            kicker: AsyncKicker[Any, Any] = AsyncKicker(message.task_name, self.broker, dict(message.labels))
            await kicker.with_task_id(message.task_id).with_labels(**{ATTEMPT_LABEL: attempt + 1}).kiq(
                *message.args, **message.kwargs
            )
            result.error = NoResultError()  # keep the status "pending" until the last run
            return
        letter = DeadLetter(
            job_id=message.task_id,
            task_name=message.task_name,
            args=list(message.args),
            kwargs=dict(message.kwargs),
            error=error,
            attempts=attempt,
            failed_at=time.time(),
        )
        self.logger.error(f"job {message.task_id} ({message.task_name}) failed after {attempt} attempt(s): {error}; dead-lettered")
        try:
            await self.store.add(letter)
        except Exception as exc:  # the failure is logged above; a store outage must not hide it
            self.logger.error(f"could not store the dead letter of job {message.task_id}: {exc!r}")
