"""Errors of the task queue (all are ``SurgeError``)."""

from __future__ import annotations

from surge.exceptions.base import SurgeError

__all__ = ["JobFailed", "QueueUnavailable", "TaskQueueError"]


class TaskQueueError(SurgeError):
    """A task queue operation could not be done (no result backend, unknown task, ...)."""


class QueueUnavailable(TaskQueueError):
    """The broker cannot be reached now; a request that enqueues is answered 503 with ``Retry-After``."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class JobFailed(TaskQueueError):
    """The job failed its last attempt; ``error`` is ``ExceptionType: message`` of that failure."""

    def __init__(self, job_id: str, error: str) -> None:
        super().__init__(f"job {job_id} failed: {error}")
        self.job_id = job_id
        self.error = error
