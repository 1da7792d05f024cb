"""The hostile-input corpus runs a real server: ``-m hostile`` selects it, ``-m "not hostile"`` skips it."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hostile: hostile-input runs against a real granian server (slow)")
