"""``surge.auth`` and ``surge.security`` export exactly what their ``__all__`` lists."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("name", ["surge.auth", "surge.security"])
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names {item!r}, which is missing"
    public = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_") and getattr(value, "__module__", "").startswith("surge") and not isinstance(value, type(module))
    }
    missing = public - set(exported)
    assert not missing, f"{name} exports {sorted(missing)} without listing them in __all__"


def test_seed_names_are_importable() -> None:
    from surge.auth import (  # noqa: F401
        Authentication,
        AuthenticationException,
        UnauthorizedException,
        login_required,
        role_required,
    )
