"""The module-level function that scheduled jobs point at.

Persistent job stores save a job's callable as a ``"module:name"`` reference, which a bound
method of a TaskManager instance cannot be. Jobs of TaskManager methods therefore reference
:func:`run_method` with the manager's key and the method name, and the running manager is
looked up here when the job fires, in whichever process holds the scheduler lock.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["RUNNER_REF", "activate", "deactivate", "invoke", "run_method"]

RUNNER_REF = "surge.task_manager._runner:run_method"

# The running TaskManagers; only their methods are looked up (by name), so this module needs
# nothing of the class and does not import it.
_active: dict[str, object] = {}


def activate(key: str, manager: object) -> None:
    """Make ``manager`` the one that runs jobs stored under ``key`` in this process."""
    _active[key] = manager


def deactivate(key: str, manager: object) -> None:
    """Forget ``manager`` (if it is still the active one for ``key``)."""
    if _active.get(key) is manager:
        del _active[key]


async def run_method(manager_key: str, method_name: str, *args: object, **kwargs: object) -> Any:
    """Run ``method_name`` of the active manager ``manager_key`` (sync methods in a thread).

    Raises:
        LookupError: no manager with that key is running in this process.
    """
    manager = _active.get(manager_key)
    if manager is None:
        raise LookupError(f"No running TaskManager with configs_name {manager_key!r} in this process")
    return await invoke(getattr(manager, method_name), args, kwargs)


async def invoke(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Await ``func(*args, **kwargs)``: a coroutine function on this loop, anything else in a thread."""
    if inspect.iscoroutinefunction(func):
        return await func(*args, **kwargs)
    result = await asyncio.to_thread(func, *args, **kwargs)
    if inspect.isawaitable(result):
        return await result
    return result
