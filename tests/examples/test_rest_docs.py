"""The examples of docs/rest.md and the README's REST Quick Start run as written.

Each block that starts with a ``# path`` comment is written to that path in a temporary
project, whose tests then run in a fresh interpreter, as a user would run them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from surge_testkit import run_project_tests

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```(?:python|yaml)\n# (?P<path>[\w/.]+)\n(?P<code>.*?)```", re.S)
PYPROJECT = (
    '[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
    'pythonpath = ["."]\nfilterwarnings = ["error", "ignore::DeprecationWarning:aiosqlite.*"]\n'
)


def _run_project(blocks: list[re.Match[str]], tmp_path: Path) -> str:
    files = {"books/__init__.py": "", **{block["path"]: block["code"] for block in blocks}}
    return run_project_tests(tmp_path, files, pyproject=PYPROJECT, timeout=180)


def test_docs_examples_run(tmp_path: Path) -> None:
    blocks = list(BLOCK.finditer((ROOT / "docs" / "rest.md").read_text()))
    paths = {block["path"] for block in blocks}
    assert {"books/app.py", "tests/test_books.py", "books/api.yaml", "tests/test_yaml_api.py"} <= paths
    assert "2 passed" in _run_project(blocks, tmp_path)


def test_readme_quick_start_runs(tmp_path: Path) -> None:
    blocks = [b for b in BLOCK.finditer((ROOT / "README.md").read_text()) if b["path"] in ("books/app.py", "tests/test_books.py")]
    if len(blocks) != 2:
        pytest.fail("README.md has no REST Quick Start (books/app.py and tests/test_books.py blocks)")
    assert "1 passed" in _run_project(blocks, tmp_path)
