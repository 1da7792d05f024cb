"""The README's code blocks, written to files and run as a user would."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```python\n# (?P<path>[\w/.]+)\n(?P<code>.*?)```", re.S)


def test_readme_blocks_run(tmp_path: Path) -> None:
    blocks = list(BLOCK.finditer(README.read_text()))
    assert {m["path"] for m in blocks} >= {"app/configs.py", "app/api.py", "app/__init__.py", "tests/test_users.py"}
    for block in blocks:
        target = tmp_path / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["code"])
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\nasyncio_mode = "auto"\npythonpath = ["."]\n')
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_users.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
