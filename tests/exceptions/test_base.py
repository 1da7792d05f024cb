"""``except SurgeError`` catches every error the framework itself raises."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import surge
from surge.exceptions import ImproperlyConfigured, NotFound, SurgeError

# Not Surge's errors: the base users derive their own application errors from, and the
# internal carrier that takes an unhandled error (the user's) to the DEBUG page.
NOT_FRAMEWORK_ERRORS = {"surge.exceptions.http.CustomException", "surge._asgi.errors.UnhandledInDebug"}


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(surge.__path__, "surge."):
        if module_info.name.endswith(("__main__", "_env_template")):  # they run the CLI / run under Alembic
            continue
        try:
            module = importlib.import_module(module_info.name)
        except ImportError:  # an optional dependency is not installed
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("surge."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_framework_exception_is_a_surge_error() -> None:
    classes = _exception_classes()
    assert len(classes) > 20
    strays = sorted(
        name for name, cls in classes.items() if name not in NOT_FRAMEWORK_ERRORS and not issubclass(cls, SurgeError)
    )
    assert strays == []


def test_http_and_configuration_errors_share_the_root() -> None:
    assert issubclass(NotFound, SurgeError) and issubclass(ImproperlyConfigured, SurgeError)
