"""The default logger, configured by the DEFAULT_LOGGER section."""

from __future__ import annotations

from typing import Any

import pytest

from surge import BaseConfig, LogLevel, Surge
from surge.exceptions import ImproperlyConfigured


def make(**settings: Any) -> Surge:
    settings.setdefault("DEBUG", False)
    settings.setdefault("APP_NAME", "Logging app")
    return Surge(__name__, configs=BaseConfig(**settings))


def test_default_logger_is_configured_by_default_logger_section() -> None:
    lines: list[str] = []
    application = make(
        DEFAULT_LOGGER={"SINK": lines.append, "LEVEL": LogLevel.INFO, "FORMAT": "{level}|{extra[logger_name]}|{message}"}
    )
    application.logger.debug("hidden")
    application.logger.info("shown")
    assert lines == ["INFO|Logging app|shown\n"]


def test_default_logger_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    application = make(DEFAULT_LOGGER={"SINK": "STDOUT", "FORMAT": "{message}", "COLORIZE": False})
    application.logger.info("to stdout")
    assert capsys.readouterr().out == "to stdout\n"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"LEVLE": "INFO"}, "DEFAULT_LOGGER.LEVLE: Extra inputs are not permitted"),
        ({"BACKTRACE": "sometimes"}, "DEFAULT_LOGGER.BACKTRACE"),
        ({"LEVEL": "LOUD"}, "DEFAULT_LOGGER"),
    ],
)
def test_bad_default_logger_fails_at_startup_naming_the_key(section: dict[str, Any], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        make(DEFAULT_LOGGER=section)


class FakeTerminal:
    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.text = ""

    def write(self, message: str) -> None:
        self.text += message

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(("tty", "coloured"), [(True, True), (False, False)])
def test_colours_only_on_a_terminal(tty: bool, coloured: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    stream = FakeTerminal(tty)
    make(DEFAULT_LOGGER={"SINK": stream}).logger.info("hello")  # the seed's format has <green> tags
    assert "hello" in stream.text
    assert ("\x1b[" in stream.text) is coloured


def test_no_colour_in_callable_sinks_files_or_with_no_color(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    lines: list[str] = []
    make(DEFAULT_LOGGER={"SINK": lines.append, "COLORIZE": True}).logger.info("cb")
    assert lines and "\x1b[" not in lines[0]
    log_file = tmp_path / "app.log"
    make(DEFAULT_LOGGER={"SINK": str(log_file), "COLORIZE": True, "DELAY": False}).logger.info("file")
    monkeypatch.setenv("NO_COLOR", "1")
    stream = FakeTerminal(True)
    make(DEFAULT_LOGGER={"SINK": stream}).logger.info("plain")
    assert "plain" in stream.text and "\x1b[" not in stream.text
    make(DEFAULT_LOGGER={"SINK": "STDERR"})  # drop the file sink so its content is flushed
    assert "file" in log_file.read_text() and "\x1b[" not in log_file.read_text()
