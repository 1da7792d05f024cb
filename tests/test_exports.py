"""Every public module's ``__all__`` matches what it exports (as httpx checks)."""

import importlib

import pytest

PUBLIC_MODULES = [
    "surge",
    "surge.controller",
    "surge.exceptions",
    "surge.middleware",
    "surge.testing",
    "surge.cli",
    "surge.logging",
    "surge.openapi",
    "surge.routing",
    "surge.di",
    "surge.ai_interface",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names {item!r}, which is missing"
    public = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_") and not getattr(value, "__name__", "").startswith(name + ".")
        and getattr(value, "__module__", "").startswith("surge")
    }
    missing = public - set(exported) - {"SurgeTestClient"}
    assert not missing, f"{name} exports {sorted(missing)} without listing them in __all__"
