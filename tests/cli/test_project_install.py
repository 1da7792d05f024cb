"""``surge new-project`` output installs where Surge came from: a release, a checkout, a git URL.

The install test builds a fresh virtualenv that has Surge's dependencies but not Surge, then
runs ``pip install -e ".[dev]"`` on the generated project exactly as its README says, with no
package index: it passes only if the project's dependency on Surge points at this checkout.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from surge._version import __version__
from surge.cli.project import create_project, surge_requirement

INSTALLED = importlib.metadata.distribution("surge")


class RecordedDistribution(importlib.metadata.Distribution):
    """A distribution whose ``direct_url.json`` (PEP 610) is what the test says."""

    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, filename: str) -> str | None:
        if filename == "direct_url.json" and self.direct_url is not None:
            return json.dumps(self.direct_url)
        return None

    def locate_file(self, path: str | os.PathLike[str]) -> Path:
        return Path(path)


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, f"surge>={__version__}"),  # from an index: no direct_url.json
        ({"url": "file:///src/surge", "dir_info": {"editable": True}}, "surge @ file:///src/surge"),
        ({"url": "file:///src/surge", "dir_info": {}}, "surge @ file:///src/surge"),
        (
            {"url": "https://github.com/o/surge.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            "surge @ git+https://github.com/o/surge.git@abc123",
        ),
        (
            {"url": "file:///w/surge-0.1.0-py3-none-any.whl", "archive_info": {}},
            "surge @ file:///w/surge-0.1.0-py3-none-any.whl",
        ),
        ({"dir_info": {}}, f"surge>={__version__}"),  # malformed record: the index
    ],
)
def test_requirement_names_where_surge_came_from(direct_url: dict[str, object] | None, expected: str) -> None:
    assert surge_requirement(RecordedDistribution(direct_url)) == expected


def test_project_from_a_release_depends_on_the_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: RecordedDistribution(None))
    root = create_project("shop", tmp_path)
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == [f"surge>={__version__}"]
    assert "Surge was installed from" not in (root / "README.md").read_text()


def _environment_without_surge(tmp_path: Path) -> Path:
    """A new venv seeing this venv's packages (through a ``.pth``), except Surge itself."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    view = tmp_path / "packages"
    view.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if (
            name == "surge"
            or name.startswith(("surge-", "_editable_impl_surge", "__editable__"))
            or name.endswith(".pth")
        ):
            continue
        (view / entry.name).symlink_to(entry)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    (Path(site) / "surge_test_packages.pth").write_text(f"{view}\n")
    return python


def _pip_install(python: Path, project: Path) -> subprocess.CompletedProcess[str]:
    """``pip install -e ".[dev]"`` as the README says, offline, ignoring the machine's pip config."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-e",
            ".[dev]",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    INSTALLED.read_text("direct_url.json") is None, reason="Surge is installed from an index here"
)
def test_project_installs_in_a_fresh_venv_when_surge_came_from_a_checkout(tmp_path: Path) -> None:
    checkout_url = json.loads(INSTALLED.read_text("direct_url.json") or "{}")["url"]
    root = create_project("pet-shop", tmp_path)
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == [f"surge @ {checkout_url}"]
    readme = (root / "README.md").read_text()
    assert f"depends on `surge @ {checkout_url}`" in readme and f"`surge>={__version__}`" in readme

    python = _environment_without_surge(tmp_path)
    assert subprocess.run([python, "-c", "import surge"], capture_output=True, timeout=60).returncode != 0

    # what the template wrote before: a version no index here has, so the same install fails
    old = tmp_path / "old-style"
    old.mkdir()
    for name in ("pyproject.toml", "README.md"):
        (old / name).write_text(
            (root / name).read_text().replace(f'"surge @ {checkout_url}"', f'"surge>={__version__}"')
        )
    (old / "app").mkdir()
    (old / "app" / "__init__.py").write_text("")
    refused = _pip_install(python, old)
    assert refused.returncode != 0 and "surge" in refused.stderr.lower()

    installed = _pip_install(python, root)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "Successfully installed" in installed.stdout and "surge-" in installed.stdout
    # the generated tests pass against the Surge pip built from the checkout
    tests = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    where = subprocess.run(
        [python, "-c", "import surge; print(surge.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.startswith(str(tmp_path / "venv"))
