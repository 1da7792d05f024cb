"""The example project of docs/task_queue.md runs as written (memory broker, SQLite)."""

from __future__ import annotations

from pathlib import Path

from surge_testkit import run_doc_project


def test_the_task_queue_doc_example_runs(tmp_path: Path) -> None:
    output = run_doc_project(
        "task_queue.md", tmp_path, {"app/models.py", "app/jobs.py", "app/api.py", "app/__init__.py", "tests/test_jobs.py"}
    )
    assert "1 passed" in output
