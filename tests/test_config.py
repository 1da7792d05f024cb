"""``BaseConfig.value_to_bool``: PyJolt's reading of a flag."""

from __future__ import annotations

import pytest

from surge import BaseConfig


@pytest.mark.parametrize("value", [True, 1, "1", "true", "True"])
def test_truthy(value: object) -> None:
    assert BaseConfig.value_to_bool(value) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [False, 0, 2, "0", "false", "yes", "TRUE", "", None])
def test_everything_else_is_false(value: object) -> None:
    assert BaseConfig.value_to_bool(value) is False  # type: ignore[arg-type]
