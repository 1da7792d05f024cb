"""Timing out request bodies (``BODY_TIMEOUT``): one watch per event loop, not a timer per read.

A client that trickles its body, or never sends it, would otherwise hold a request (and a
worker's attention) for ever. A body read registers its task and deadline with the running
loop's watch; one task looks at the deadlines every ``_WATCH_TICK`` seconds while reads are in
progress and cancels the late ones, and the read turns that cancellation into a 408.

# PERF: a timer handle per read (asyncio.timeout, loop.call_at) costs microseconds per request
# in heap pushes and clean-ups; a dict entry costs tens of nanoseconds.
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import BuiltinFunctionType
from typing import Any

from surge.exceptions.http import BadRequest, RequestTimeout
from surge.types import Message, Receive

__all__ = ["BodyRead", "BodyWatch", "raise_if_timed_out", "reading_task", "receive_by", "start_read"]

_TIMED_OUT = "surge: the request body did not arrive within BODY_TIMEOUT"
_WATCH_TICK = 0.25  # seconds between two looks at the body reads in progress


class BodyWatch:
    """The body reads in progress on one event loop, and the one task that times them out."""

    __slots__ = ("expired", "loop", "reads", "watcher")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.reads: dict[asyncio.Task[Any], float] = {}  # reading task -> deadline (time.monotonic)
        self.expired: set[asyncio.Task[Any]] = set()
        self.watcher: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the watching task (it stops by itself once no read is in progress)."""
        self.watcher = self.loop.create_task(self._watch())

    async def _watch(self) -> None:
        try:
            while self.reads:
                await asyncio.sleep(_WATCH_TICK)
                now = time.monotonic()
                for task, deadline in list(self.reads.items()):
                    if deadline <= now and task not in self.expired:
                        self.expired.add(task)
                        task.cancel(_TIMED_OUT)
        finally:
            self.watcher = None


BodyRead = tuple[BodyWatch, "asyncio.Task[Any]", float]
"""One body read: the running loop's watch, the reading task, its deadline (time.monotonic)."""

_local = threading.local()  # one watch per thread: a thread runs one event loop at a time


def _new_watch(task: asyncio.Task[Any]) -> BodyWatch:
    watch = _local.watch = BodyWatch(task.get_loop())
    return watch


if isinstance(asyncio.current_task, BuiltinFunctionType) or not hasattr(asyncio.tasks, "_current_tasks"):

    def reading_task() -> tuple[BodyWatch, asyncio.Task[Any]]:
        """The running loop's watch and the current task (the one a body read will time)."""
        task = asyncio.current_task()
        assert task is not None
        watch: BodyWatch | None = _local.__dict__.get("watch")
        if watch is None or watch.loop is not task.get_loop():
            watch = _new_watch(task)
        return watch, task

else:  # Python 3.11: current_task() is Python code asking for the running loop (an os.getpid()).
    _current_tasks: dict[asyncio.AbstractEventLoop, asyncio.Task[Any]] = asyncio.tasks._current_tasks

    def reading_task() -> tuple[BodyWatch, asyncio.Task[Any]]:
        """The running loop's watch and the current task (the one a body read will time)."""
        watch: BodyWatch | None = _local.__dict__.get("watch")
        if watch is not None:
            task = _current_tasks.get(watch.loop)  # None once this thread runs another loop
            if task is not None:
                return watch, task
        task = asyncio.current_task()
        assert task is not None
        return _new_watch(task), task


def start_read(timeout: float) -> BodyRead:
    """Begin timing a body read of the current task that must end within ``timeout`` seconds."""
    watch, task = reading_task()
    return watch, task, time.monotonic() + timeout


def raise_if_timed_out(watch: BodyWatch, task: asyncio.Task[Any]) -> None:
    """Turn the watch's cancellation of a body read into the 408 (other cancellations pass).

    Raises:
        RequestTimeout: 408, with ``Connection: close``.
    """
    if task in watch.expired:
        task.uncancel()
        raise RequestTimeout("Request body not received in time", headers={"Connection": "close"})


async def receive_by(receive: Receive, read: BodyRead) -> Message:
    """The next body message of ``read``; 408 once its deadline has passed.

    Raises:
        RequestTimeout: 408, the deadline passed. BadRequest: the client disconnected.
    """
    watch, task, deadline = read
    reads = watch.reads
    reads[task] = deadline
    if watch.watcher is None:
        watch.start()
    try:
        message = await receive()
    except asyncio.CancelledError:
        raise_if_timed_out(watch, task)
        raise
    finally:
        del reads[task]
        if watch.expired:
            watch.expired.discard(task)
    if message["type"] == "http.disconnect":
        raise BadRequest("Client disconnected before the body was read")
    return message
