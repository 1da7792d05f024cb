"""``module:attr`` strings of CONTROLLERS/EXTENSIONS: a typo fails at startup with "did you mean"."""

from __future__ import annotations

import pytest

from surge import BaseConfig, Surge
from surge.exceptions import ImproperlyConfigured


def test_a_misspelt_controller_suggests_the_close_name() -> None:
    config = BaseConfig(CONTROLLERS=["surge.openapi.controller:OpenApiControler"])
    with pytest.raises(ImproperlyConfigured, match=r"CONTROLLERS entry .* has no attribute 'OpenApiControler' \(did you mean 'OpenApiController'\?\)"):
        Surge(configs=config)


def test_a_misspelt_extension_module_suggests_the_sibling_module() -> None:
    config = BaseConfig(EXTENSIONS=["surge.security.sesions:Sessions"])
    with pytest.raises(ImproperlyConfigured, match=r"EXTENSIONS entry .*cannot import module 'surge.security.sesions'.*\(did you mean 'surge.security.sessions'\?\)"):
        Surge(configs=config)


def test_a_name_with_nothing_close_gets_no_guess() -> None:
    config = BaseConfig(EXTENSIONS=["surge.security:Zzzqqq"])
    with pytest.raises(ImproperlyConfigured) as caught:
        Surge(configs=config)
    assert "did you mean" not in str(caught.value)
