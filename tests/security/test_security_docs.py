"""docs/security.md: the example project runs as written; every other Python block compiles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BLOCK = re.compile(r"```python\n(?P<code>.*?)```", re.S)
FILE_BLOCK = re.compile(r"# (?P<path>[\w/.]+\.py)\n")


def test_doc_project_runs(tmp_path: Path) -> None:
    blocks = [m["code"] for m in BLOCK.finditer(DOC.read_text())]
    files = {}
    for code in blocks:
        header = FILE_BLOCK.match(code)
        if header is None:
            compile(code, "docs/security.md", "exec")  # snippets must at least be valid Python
            continue
        files[header["path"]] = code
    assert set(files) == {"app/__init__.py", "app/configs.py", "app/extensions.py", "app/authentication.py", "app/pages.py", "tests/test_security_app.py"}
    for relative, code in files.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
        'pythonpath = ["."]\nfilterwarnings = ["error"]\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
