"""The example project of docs/state_machine.md runs as written."""

from __future__ import annotations

from typing import Any

from surge_testkit import run_doc_project


def test_the_order_example_passes_its_tests(tmp_path: Any) -> None:
    output = run_doc_project("state_machine.md", tmp_path, {"app/__init__.py", "tests/test_orders.py"})
    assert "1 passed" in output
