"""PyJolt's runtime errors are Surge's configuration errors, and keep PyJolt's ``message``."""

from __future__ import annotations

import pytest

from surge.exceptions import CustomException, ImproperlyConfigured, SurgeError
from surge.exceptions.runtime_exceptions import (
    DuplicateRoutePath,
    Jinja2NotInitilized,
    MissingDependencyInjectionMethod,
    MissingExtension,
)


def test_both_families_catch_them() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        raise DuplicateRoutePath("GET /users is registered twice")
    assert isinstance(caught.value, CustomException) and isinstance(caught.value, SurgeError)
    assert caught.value.message == str(caught.value) == "GET /users is registered twice"


def test_messages_name_what_is_missing() -> None:
    class Mailer:
        pass

    assert "'cache'" in MissingExtension("cache").message
    assert "Mailer" in MissingDependencyInjectionMethod(Mailer).message
    assert Jinja2NotInitilized().message == "The Jinja2 template engine is not initialized"
