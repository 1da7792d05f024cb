"""Distributed jobs on a real broker (Redis, RabbitMQ, NATS) through taskiq: ``TaskQueue``.

``run_background_task`` (``surge.task_manager``) runs work inside the process that asked for
it; a ``TaskQueue`` job survives that process and runs in ``surge worker`` processes.
"""

from surge.task_queue._dead_letters import DeadLetter
from surge.task_queue._retry import JobContext, current_job
from surge.task_queue.config import TaskQueueConfig
from surge.task_queue.errors import JobFailed, QueueUnavailable, TaskQueueError
from surge.task_queue.extension import TaskQueue
from surge.task_queue.task import Job, JobStatus, QueuedTask

__all__ = [
    "DeadLetter",
    "Job",
    "JobContext",
    "JobFailed",
    "JobStatus",
    "QueueUnavailable",
    "QueuedTask",
    "TaskQueue",
    "TaskQueueConfig",
    "TaskQueueError",
    "current_job",
]
