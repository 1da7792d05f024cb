"""The complete examples in docs/caching.md, task_manager.md, email.md, nosql.md and ai_interface.md run as written.

Each ```python block that starts with a ``# path`` comment (templates: ``{# path #}``) is
written to that path in a temporary project, whose tests then run in a fresh interpreter, as a user would run them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```(?:python|html|text)\n(?:# |\{# )(?P<path>[\w/.]+)(?: #\})?\n(?P<code>.*?)```", re.S)


@pytest.mark.parametrize("doc", ["caching.md", "task_manager.md", "email.md", "nosql.md", "ai_interface.md"])
def test_doc_example_runs(doc: str, tmp_path: Path) -> None:
    blocks = list(BLOCK.finditer((DOCS / doc).read_text()))
    assert any(block["path"].startswith("tests/") for block in blocks), f"{doc} has no tested example"
    for block in blocks:
        target = tmp_path / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["code"])
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
        'pythonpath = ["."]\nfilterwarnings = ["error"]\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout
