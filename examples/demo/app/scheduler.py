"""The demo's task manager: one scheduled job that keeps a heartbeat in ``app.state``."""

from datetime import UTC, datetime

from surge.task_manager import TaskManager, schedule_job


class DemoScheduler(TaskManager):
    """Jobs of the demo; TASK_MANAGER in configs.py sets how often the heartbeat runs."""

    @schedule_job("interval", seconds=30, id="demo.heartbeat", next_run_time=datetime.now(UTC))
    async def heartbeat(self) -> None:
        """Count heartbeats, so /api/stats can show that the scheduler runs."""
        state = self.app.state
        state["heartbeats"] = state.get("heartbeats", 0) + 1
        state["last_heartbeat"] = datetime.now(UTC).isoformat(timespec="seconds")


scheduler = DemoScheduler()
