"""Test helpers shared by every test module: ``from surge_testkit import make_app, ...``.

(A uniquely named module: ``from surge_testkit import ...`` is ambiguous once subfolders have their
own conftest.py.)
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

REQUIRE_SERVICES = os.environ.get("SURGE_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("SURGE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SURGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip the test when the service is down, or fail when SURGE_REQUIRE_SERVICES=1."""
    if port_open(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (SURGE_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_app(*controllers: type, **settings: object) -> object:
    """A Surge app with ``controllers`` registered and config ``settings`` (DEBUG off by default)."""
    from surge import BaseConfig, Surge

    settings.setdefault("DEBUG", False)
    settings.setdefault("BASE_PATH", os.path.dirname(__file__))
    application = Surge(__name__, configs=BaseConfig(**settings))  # type: ignore[arg-type]
    for controller in controllers:
        application.register_controller(controller)  # type: ignore[arg-type]
    return application


# -- app factory and browser helpers for the extension tests (auth, security) ------------------

EXTENSION_TEST_SECRET = "extension-tests-secret-key-0123456789abcdef"


def build_app(
    *,
    extensions: Iterable[Any] = (),
    controllers: Iterable[type] = (),
    handlers: Iterable[type] = (),
    **config: Any,
) -> Any:
    """An app with ``config`` keys, then ``extensions`` (in order), handlers and controllers."""
    from surge import BaseConfig, Surge

    config.setdefault("SECRET_KEY", EXTENSION_TEST_SECRET)
    config.setdefault("DEBUG", True)
    config.setdefault("ACCESS_LOG", False)
    application = Surge(configs=BaseConfig(**config))
    for extension in extensions:
        application.add_extension(extension)
    for handler in handlers:
        application.add_exception_handler(handler)
    for controller in controllers:
        application.register_controller(controller)
    return application


def set_client_cookie(client: Any, name: str, value: str) -> None:
    """Replace the client's cookie ``name`` (as a browser would hold it for the test host)."""
    client.cookies.delete(name)
    client.cookies.set(name, value, domain="testserver.local")


@pytest.fixture(name="make_app")
def app_factory() -> Callable[..., Any]:
    """The :func:`build_app` factory (import this fixture into a folder's conftest.py)."""
    return build_app


@pytest.fixture
def redis_prefix(redis_url: str) -> str:
    """A key prefix unique to one test, so tests sharing the Redis server never collide."""
    return f"surge-test:{uuid.uuid4().hex}:"


@pytest.fixture
def plant_cookie() -> Callable[[Any, str, str], None]:
    """The :func:`set_client_cookie` helper: what an attacker (or a test) puts in a browser."""
    return set_client_cookie


# -- documentation examples ---------------------------------------------------------------------

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
_PYTHON_BLOCK = re.compile(r"```python\n(?P<code>.*?)```", re.S)
_FILE_HEADER = re.compile(r"# (?P<path>[\w/.]+\.py)\n")
DOC_PYPROJECT = (
    '[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
    'pythonpath = ["."]\nfilterwarnings = ["error"]\n'
)


def run_doc_project(doc: str, tmp_path: Any, expected_files: set[str]) -> str:
    """Run the example project of ``docs/<doc>`` as a user would; returns pytest's output.

    Python blocks that start with ``# path/to/file.py`` are written to those files; every other
    block must at least compile. The project's own tests then run in a pytest subprocess and
    must pass.
    """
    text = open(os.path.join(DOCS, doc), encoding="utf-8").read()
    files: dict[str, str] = {}
    for match in _PYTHON_BLOCK.finditer(text):
        code = match["code"]
        header = _FILE_HEADER.match(code)
        if header is None:
            compile(code, f"docs/{doc}", "exec")
            continue
        files[header["path"]] = code
    assert set(files) == expected_files, f"docs/{doc} files changed: {sorted(files)}"
    return run_project_tests(tmp_path, files)


def run_project_tests(
    root: Any,
    files: Mapping[str, str],
    *,
    tests: str = "tests",
    pyproject: str = DOC_PYPROJECT,
    timeout: float = 120,
) -> str:
    """Write ``files`` (relative path -> text) and ``pyproject`` under ``root``, run pytest on ``tests``.

    The run is a fresh interpreter in ``root``, as a user would run the project's tests, and
    must pass; returns pytest's output.
    """
    for relative, code in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    (root / "pyproject.toml").write_text(pyproject)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# -- real server processes ----------------------------------------------------------------------


def wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    """Poll ``url`` until the server answers (any status); fail if it exits or stays silent."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"server exited early: {output}")
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"server did not answer on {url} within {timeout}s")
