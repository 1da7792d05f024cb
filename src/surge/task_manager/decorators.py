"""``@schedule_job``: mark a TaskManager method as a job added when the app starts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["JOB_ATTR", "schedule_job"]

F = TypeVar("F", bound=Callable[..., Any])

JOB_ATTR = "__surge_job__"


def schedule_job(*args: object, **kwargs: object) -> Callable[[F], F]:
    """Run this method on a schedule: the arguments are those of APScheduler's ``add_job``.

    ``@schedule_job("interval", minutes=1, id="my_job")``, ``@schedule_job("cron",
    hour=3)``, ``@schedule_job("date", run_date=...)``. The method (sync or async) is left
    unchanged, so it can still be called directly; the job is added at app startup. Without
    ``id`` the job id is ``"ClassName.method"``.
    """

    def decorator(func: F) -> F:
        setattr(func, JOB_ATTR, (args, dict(kwargs)))
        return func

    return decorator
