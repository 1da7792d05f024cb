"""The README's code blocks, written to files and run as a user would."""

import re
from pathlib import Path

from surge_testkit import run_project_tests

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```python\n# (?P<path>[\w/.]+)\n(?P<code>.*?)```", re.S)
PYPROJECT = '[tool.pytest.ini_options]\nasyncio_mode = "auto"\npythonpath = ["."]\n'


def test_readme_blocks_run(tmp_path: Path) -> None:
    blocks = list(BLOCK.finditer(README.read_text()))
    assert {m["path"] for m in blocks} >= {"app/configs.py", "app/api.py", "app/__init__.py", "tests/test_users.py"}
    files = {block["path"]: block["code"] for block in blocks}
    output = run_project_tests(tmp_path, files, tests="tests/test_users.py", pyproject=PYPROJECT)
    assert "1 passed" in output
