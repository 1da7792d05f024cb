"""``BackgroundTasks``: work a handler schedules to run once its response has been sent.

``async def create(self, req: Request, tasks: BackgroundTasks) -> Response`` receives a fresh
object per request; ``tasks.add(send_email, to, subject=...)`` queues a call. After the
response is sent, the tasks run in the order added (``async def`` functions awaited, plain
functions in a thread); a failing task is logged with its function's name and the next one
still runs. They run inside the request's after-response step, so a graceful shutdown waits
for them like for the request itself.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["BackgroundTasks"]


class BackgroundTasks:
    """The tasks one request scheduled; they run after its response."""

    __slots__ = ("_request", "tasks")

    def __init__(self, request: Request) -> None:
        self._request = request
        self.tasks: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    def add(self, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        """Queue ``func(*args, **kwargs)`` (sync or async) to run after the response."""
        if not callable(func):
            raise TypeError(f"BackgroundTasks.add() takes a callable, got {func!r}")
        if not self.tasks:
            self._request.call_after_response(self.run)
        self.tasks.append((func, args, kwargs))

    add_task = add  # Starlette's and FastAPI's name

    def __len__(self) -> int:
        return len(self.tasks)

    async def run(self) -> None:
        """Run every queued task in order; a failure is logged and does not stop the others."""
        logger = self._request.app.logger
        while self.tasks:
            func, args, kwargs = self.tasks.pop(0)
            try:
                if inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(type(func).__call__):
                    await func(*args, **kwargs)
                else:
                    call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
                    result = await asyncio.get_running_loop().run_in_executor(None, call)
                    if inspect.isawaitable(result):
                        await result
            except Exception as exc:
                name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)
                logger.opt(exception=exc).error(f"Background task {name} failed: {type(exc).__name__}: {exc}")
