"""docs/di.md: the example project runs as written; every other Python block compiles."""

from __future__ import annotations

from pathlib import Path

from surge_testkit import run_doc_project


def test_doc_project_runs(tmp_path: Path) -> None:
    output = run_doc_project("di.md", tmp_path, {"app/__init__.py", "app/deps.py", "app/api.py", "tests/test_di_app.py"})
    assert "1 passed" in output
