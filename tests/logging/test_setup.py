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
