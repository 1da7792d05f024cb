"""``surge worker``: run the app's jobs in this process until SIGTERM or SIGINT.

The app is started first (config, extensions, DI, database engines), so a task runs with
everything a request has. On SIGTERM the worker stops taking jobs, waits up to
``SHUTDOWN_TIMEOUT`` for the running ones, and leaves every unfinished or prefetched job
unacked: the broker gives it to another worker. A job is acked only once its result is saved.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from taskiq import AsyncBroker
from taskiq.acks import AcknowledgeType
from taskiq.receiver import Receiver

from surge.cli.controller import CLIController, argument, command
from surge.task_queue.config import TaskQueueConfig

if TYPE_CHECKING:
    from loguru import Logger

    from surge.types import AppContext

__all__ = ["WorkerCommands", "run_worker"]


async def run_worker(
    broker: AsyncBroker, config: TaskQueueConfig, logger: Logger, concurrency: int, stop: asyncio.Event | None = None
) -> None:
    """Take and run jobs from ``broker`` (started as a worker) until ``stop`` is set or a signal comes."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    handled = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    logger.info(f"surge worker: taking jobs from {config.QUEUE_NAME!r} (concurrency {concurrency})")
    try:
        with ThreadPoolExecutor(max_workers=4) as executor:
            receiver = Receiver(
                broker,
                executor=executor,
                run_startup=False,
                max_async_tasks=concurrency,
                max_prefetch=config.PREFETCH,
                ack_type=AcknowledgeType.WHEN_SAVED,
                wait_tasks_timeout=config.SHUTDOWN_TIMEOUT,
            )
            await receiver.listen(stop)
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
    logger.info("surge worker: stopped; unfinished jobs stay unacked and go to another worker")


class WorkerCommands(CLIController):
    """The ``worker`` command a ``TaskQueue`` adds to the app's CLI."""

    def __init__(self, app: AppContext, start: Callable[[int], Awaitable[None]]) -> None:
        super().__init__(app)
        self._start = start

    @command("worker", help="run the task queue's jobs until SIGTERM (finishes or requeues running jobs)")
    @argument("concurrency", int, "jobs run at once (0: TASK_QUEUE.CONCURRENCY)", default=0)
    async def worker(self, concurrency: int) -> None:
        """Run jobs until SIGTERM or SIGINT."""
        await self._start(concurrency)
