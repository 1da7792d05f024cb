"""The complete examples in docs/caching.md, task_manager.md, email.md, nosql.md, ai_interface.md and architecture.md run as written.

Each ```python block that starts with a ``# path`` comment (templates: ``{# path #}``) is
written to that path in a temporary project, whose tests then run in a fresh interpreter, as a user would run them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from surge_testkit import run_project_tests

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```(?:python|html|text)\n(?:# |\{# )(?P<path>[\w/.]+)(?: #\})?\n(?P<code>.*?)```", re.S)


@pytest.mark.parametrize(
    "doc", ["caching.md", "task_manager.md", "email.md", "nosql.md", "ai_interface.md", "architecture.md"]
)
def test_doc_example_runs(doc: str, tmp_path: Path) -> None:
    blocks = list(BLOCK.finditer((DOCS / doc).read_text()))
    assert any(block["path"].startswith("tests/") for block in blocks), f"{doc} has no tested example"
    output = run_project_tests(tmp_path, {block["path"]: block["code"] for block in blocks}, timeout=180)
    assert " passed" in output and "failed" not in output
