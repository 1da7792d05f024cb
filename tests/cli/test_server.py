"""`surge run`: the loud warning when DEBUG is on and the server listens beyond loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

import surge.cli.server as server_module
from surge.cli.main import main
from surge.cli.server import ServeOptions, debug_exposure_warning, is_loopback


def options(host: str, debug: bool) -> ServeOptions:
    return ServeOptions("app:Application", host, 8080, False, 1, "granian", False, debug=debug)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    assert debug_exposure_warning(options(host, debug=True)) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.com"])
def test_debug_beyond_loopback_is_announced(host: str) -> None:
    assert not is_loopback(host)
    message = debug_exposure_warning(options(host, debug=True))
    assert message is not None
    assert f"DEBUG is on and the server listens on {host}:8080" in message
    assert "DEBUG=false" in message
    assert debug_exposure_warning(options(host, debug=False)) is None


def test_surge_run_prints_the_warning_before_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "exposed_app.py").write_text(
        "from surge import BaseConfig, Surge\n"
        "class Config(BaseConfig):\n    DEBUG: bool = True\n    HOST: str = '0.0.0.0'\n"
        "application = Surge(__name__, configs=Config)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    served: list[ServeOptions] = []
    monkeypatch.setattr(server_module, "serve", served.append)  # record instead of binding 0.0.0.0
    assert main(["run", "exposed_app:application", "--no-reload"]) == 0
    err = capsys.readouterr().err
    assert "WARNING: DEBUG is on and the server listens on 0.0.0.0:8080" in err
    assert [(o.host, o.debug) for o in served] == [("0.0.0.0", True)]
    assert main(["run", "exposed_app:application", "--no-reload", "--host", "127.0.0.1"]) == 0
    assert "WARNING" not in capsys.readouterr().err
