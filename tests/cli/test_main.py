"""The ``surge`` command: new-project, run, routes, openapi, app commands — run as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from openapi_spec_validator import validate

from surge.cli.main import main
from surge.cli.project import create_project

from surge_testkit import wait_until_up


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (local: ``conftest`` is ambiguous across test folders)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SURGE = [sys.executable, "-m", "surge"]


def surge(*args: str, cwd: Path, timeout: float = 60, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run ``surge ARGS`` in ``cwd`` as a separate process (a project imports its own ``app``)."""
    env = {key: value for key, value in os.environ.items() if key not in ("SURGE_APP", "DEBUG", "SECRET_KEY")}
    env.update(extra_env)
    return subprocess.run([*SURGE, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made by ``surge new-project`` (created once for this module)."""
    parent = tmp_path_factory.mktemp("projects")
    result = surge("new-project", "pet-shop", cwd=parent)
    assert result.returncode == 0, result.stderr
    assert "Created" in result.stdout
    return parent / "pet-shop"


def test_new_project_writes_the_documented_layout(project: Path) -> None:
    expected = {
        ".env", ".env.example", ".gitignore", "README.md", "pyproject.toml", "run.py", "cli.py",
        "app/__init__.py", "app/configs.py", "app/api/notes_api.py", "app/api/home.py",
        "app/api/models/note.py", "app/api/exceptions/exception_handler.py", "app/cli/cli_controller.py",
        "app/templates/index.html", "app/static/style.css", "tests/conftest.py", "tests/test_notes_api.py",
    }
    written = {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}
    assert expected <= written
    assert not [name for name in written if name.endswith(".tmpl")]
    assert 'APP_NAME: str = "Pet Shop"' in (project / "app/configs.py").read_text()
    assert 'name = "pet-shop"' in (project / "pyproject.toml").read_text()


def test_new_project_has_a_random_secret_and_debug_off(project: Path, tmp_path: Path) -> None:
    from surge.deploy_checks import MIN_SECRET_KEY_BYTES, SAMPLE_SECRET_KEYS

    settings = dict(
        line.split("=", 1) for line in (project / ".env").read_text().splitlines() if line and not line.startswith("#")
    )
    assert settings["DEBUG"] == "false"
    assert len(settings["SECRET_KEY"].encode()) >= MIN_SECRET_KEY_BYTES
    assert settings["SECRET_KEY"] not in SAMPLE_SECRET_KEYS
    assert ".env" in (project / ".gitignore").read_text().splitlines()
    assert "DEBUG: bool = False" in (project / "app/configs.py").read_text()
    other = create_project("other-shop", tmp_path)
    assert settings["SECRET_KEY"] not in (other / ".env").read_text()  # one key per project


def test_check_deploy_on_the_generated_project(project: Path) -> None:
    result = surge("check", "--deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "WARNING ALLOWED_HOSTS:" in result.stdout
    assert "WARNING CORS_ALLOW_ORIGINS:" in result.stdout
    assert "SECRET_KEY" not in result.stdout and "WARNING DEBUG" not in result.stdout  # .env fixed those
    assert "surge check: 2 warnings" in result.stdout
    assert surge("check", "--deploy", "--fail", cwd=project).returncode == 3
    debug = surge("check", "--deploy", cwd=project, DEBUG="true", SECRET_KEY="change-me")
    assert "WARNING DEBUG: is on" in debug.stdout
    assert "WARNING SECRET_KEY: is a sample key" in debug.stdout
    assert "WARNING OPEN_API:" in debug.stdout
    plain = surge("check", cwd=project)
    assert plain.returncode == 0 and "0 warnings (add --deploy" in plain.stdout


def test_generated_project_tests_pass_without_edits(project: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, capture_output=True, text=True, timeout=180, env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "6 passed" in result.stdout


def test_new_project_refuses_a_non_empty_folder(project: Path) -> None:
    result = surge("new-project", project.name, cwd=project.parent)
    assert result.returncode == 1
    assert "already exists and is not empty" in result.stderr




def _stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate(timeout=5)
    return output


@pytest.mark.parametrize("server", ["granian", "uvicorn"])
def test_surge_run_serves_the_generated_project(project: Path, server: str) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*SURGE, "run", "--server", server, "--no-reload", "--port", str(port)],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "DEBUG": "true"},  # development mode: docs and the access log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/api/v1/notes", process)
        with httpx.Client(base_url=base, timeout=5) as client:
            created = client.post("/api/v1/notes", json={"title": "Buy food"})
            assert created.status_code == 201
            assert client.get(f"/api/v1/notes/{created.json()['id']}").json()["title"] == "Buy food"
            assert client.get("/api/v1/notes/999").status_code == 404
            assert "Pet Shop" in client.get("/").text
            assert client.get("/static/style.css").status_code == 200
            assert client.get("/openapi/docs").status_code == 200
    finally:
        output = _stop(process)
    assert f"with {server}" in output
    assert "POST /api/v1/notes 201" in output  # the access log line


def test_run_py_starts_the_app_too(project: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "run.py", "--no-reload", "--port", str(port)],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v1/notes", process)
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/notes", timeout=5).status_code == 200
    finally:
        _stop(process)


def test_routes_prints_the_route_table(project: Path) -> None:
    result = surge("routes", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[0] == ["METHOD", "RULE", "ENDPOINT"]
    assert ["GET", "/api/v1/notes/<int:note_id>", "NotesApi.get_note"] in lines
    assert ["POST", "/api/v1/notes", "NotesApi.create_note"] in lines


def test_openapi_writes_the_spec_to_stdout_or_a_file(project: Path) -> None:
    result = surge("openapi", "app:Application", cwd=project)
    assert result.returncode == 0, result.stderr
    spec = json.loads(result.stdout)
    validate(spec)
    assert "/api/v1/notes/{note_id}" in spec["paths"]
    written = surge("openapi", "-o", "openapi.json", cwd=project)
    assert written.returncode == 0
    assert json.loads((project / "openapi.json").read_text()) == spec
    (project / "openapi.json").unlink()


def test_app_commands_through_cli_py_and_surge(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "cli.py", "greet", "Ada"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "Hello, Ada! Welcome to Pet Shop." in result.stdout
    added = surge("add", "2", "3", cwd=project)
    assert "The sum of 2 and 3 is 5." in added.stdout
    bad = subprocess.run([sys.executable, "cli.py", "add", "2", "x"], cwd=project, capture_output=True, text=True)
    assert bad.returncode == 2
    assert "usage:" in bad.stderr and "invalid int value: 'x'" in bad.stderr


def test_unknown_command_and_bad_flags_exit_2(project: Path, tmp_path: Path) -> None:
    unknown = surge("bogus", cwd=project)
    assert unknown.returncode == 2
    assert "unknown command 'bogus' (choose from new-project, run, routes, openapi, check, worker, add, greet)" in unknown.stderr
    no_app = surge("bogus", cwd=tmp_path)
    assert no_app.returncode == 2 and "usage: surge" in no_app.stderr
    bad_port = surge("run", "--port", "eighty", cwd=project)
    assert bad_port.returncode == 2 and "invalid int value: 'eighty'" in bad_port.stderr
    bad_server = surge("run", "--server", "gunicorn", cwd=project)
    assert bad_server.returncode == 2 and "invalid choice: 'gunicorn'" in bad_server.stderr


def test_missing_app_target_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "no_such_module:App"]) == 1
    assert "cannot import module 'no_such_module'" in capsys.readouterr().err


def test_create_project_rejects_bad_names(tmp_path: Path) -> None:
    from surge.exceptions import ImproperlyConfigured

    for name in ("", "  ", ".."):
        with pytest.raises(ImproperlyConfigured):
            create_project(name, tmp_path)
