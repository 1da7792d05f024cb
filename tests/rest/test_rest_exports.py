"""``surge.rest`` and its public modules: ``__all__`` sorted and complete; the seed's imports work."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "surge.rest",
    "surge.rest.authentication",
    "surge.rest.config",
    "surge.rest.endpoint",
    "surge.rest.errors",
    "surge.rest.extension",
    "surge.rest.fields",
    "surge.rest.filters",
    "surge.rest.middleware",
    "surge.rest.options",
    "surge.rest.pagination",
    "surge.rest.sessions",
    "surge.rest.yaml",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names {item!r}, which is missing"
    defined_here = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_") and getattr(value, "__module__", None) == name and callable(value)
    }
    missing = defined_here - set(exported)
    assert not missing, f"{name} defines {sorted(missing)} without listing them in __all__"


def test_seed_names_are_importable() -> None:
    from surge.rest import (  # noqa: F401
        Authentication,
        Cache,
        Field,
        Filtering,
        HttpMethod,
        Middleware,
        Pagination,
        RestEndpoint,
        Serializer,
        get_async_session,
    )
    from surge.rest.authentication import (  # noqa: F401
        AllowAny,
        BasicAuthentication,
        IsAdminUser,
        IsAuthenticated,
        JWTAuthentication,
    )
    from surge.rest.filters import FieldFilter, OrderingFilter, SearchFilter  # noqa: F401
    from surge.rest.yaml import app_from_yaml  # noqa: F401
