"""``surge.task_manager.task_manager``: PyJolt's module path for :class:`TaskManager`, its config model and ``@schedule_job``."""

from surge.task_manager.config import TaskManagerConfig
from surge.task_manager.decorators import schedule_job
from surge.task_manager.manager import TaskManager

__all__ = ["TaskManager", "TaskManagerConfig", "schedule_job"]
