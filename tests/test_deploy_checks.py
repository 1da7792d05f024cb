"""Production checks: `surge check --deploy` and the warnings logged at startup with DEBUG off."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from surge import BaseConfig, Surge
from surge.deploy_checks import SAMPLE_SECRET_KEYS, deploy_warnings
from surge.security import AllowedHosts
from surge.testing import TestClient

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k3y-" + "x" * 60


def keys_of(**settings: Any) -> list[str]:
    settings.setdefault("SECRET_KEY", GOOD_KEY)
    return [w.key for w in deploy_warnings(Surge(__name__, configs=BaseConfig(**settings)))]


def test_the_seed_defaults_warn_about_everything() -> None:
    app = Surge(__name__, configs=BaseConfig())
    found = {w.key: str(w) for w in deploy_warnings(app)}
    assert list(found) == ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CORS_ALLOW_ORIGINS", "OPEN_API"]
    assert "DEBUG=false" in found["DEBUG"]
    assert found["SECRET_KEY"].startswith("SECRET_KEY: is not set")
    assert "Fix:" in found["CORS_ALLOW_ORIGINS"]


@pytest.mark.parametrize(
    ("secret", "problem"),
    [("short-key", "shorter than 32 bytes"), ("some-super-secret-key", "sample key"), ("change-me", "sample key")],
)
def test_weak_secret_keys(secret: str, problem: str) -> None:
    app = Surge(__name__, configs=BaseConfig(DEBUG=False, SECRET_KEY=secret))
    [warning] = [w for w in deploy_warnings(app) if w.key == "SECRET_KEY"]
    assert problem in warning.problem


def test_every_secret_key_printed_in_docs_readme_and_examples_is_known() -> None:
    pattern = re.compile(r"""SECRET(?:_KEY)?["']?\s*[:=]\s*(?:str\s*=\s*)?["']?-?([A-Za-z0-9][A-Za-z0-9_\-]{3,})""")
    published: set[str] = set()
    for path in [ROOT / "README.md", *ROOT.joinpath("docs").rglob("*.md"), *ROOT.joinpath("examples").rglob("*.py"),
                 *ROOT.joinpath("src/surge/templates").rglob("*.tmpl")]:
        published.update(m.group(1) for m in pattern.finditer(path.read_text(encoding="utf-8")))
    published -= {"__SECRET_KEY__"}
    assert published, "the pattern found no sample key at all"
    assert published <= SAMPLE_SECRET_KEYS, published - SAMPLE_SECRET_KEYS


def test_a_production_config_is_clean() -> None:
    app = Surge(
        __name__,
        configs=BaseConfig(
            DEBUG=False, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS=["shop.example"], CORS_ALLOW_ORIGINS=["https://shop.example"]
        ),
    )
    app.add_extension(AllowedHosts())
    assert deploy_warnings(app) == []


def test_each_setting_is_named() -> None:
    base: dict[str, Any] = {"DEBUG": False, "ALLOWED_HOSTS": ["*"], "CORS_ENABLED": False}
    assert keys_of(**base) == ["ALLOWED_HOSTS"]
    assert keys_of(**{**base, "ALLOWED_HOSTS": ["a.example"]}) == ["ALLOWED_HOSTS"]  # set but not enforced
    assert keys_of(**{**base, "CORS_ENABLED": True}) == ["ALLOWED_HOSTS", "CORS_ALLOW_ORIGINS"]
    assert keys_of(**{**base, "OPEN_API_IN_PRODUCTION": True}) == ["ALLOWED_HOSTS", "OPEN_API"]
    assert keys_of(**{**base, "OPEN_API_IN_PRODUCTION": True, "OPEN_API": False}) == ["ALLOWED_HOSTS"]
    sections = {"SESSIONS": {"COOKIE_SECURE": False}, "AUTHENTICATION": {"COOKIE_SECURE": True}}
    assert keys_of(**base, **sections) == ["ALLOWED_HOSTS", "SESSIONS.COOKIE_SECURE"]


async def test_startup_logs_the_warnings_when_debug_is_off() -> None:
    lines: list[str] = []
    logger = {"SINK": lines.append, "FORMAT": "{level}|{message}", "LEVEL": "INFO"}
    app = Surge(__name__, configs=BaseConfig(DEBUG=False, SECRET_KEY="some-super-secret-key", DEFAULT_LOGGER=logger))
    async with TestClient(app) as client:
        assert (await client.get("/nothing")).status_code == 404  # the app starts and serves anyway
    warnings = [line for line in lines if line.startswith("WARNING|Deploy check: ")]
    assert [w.split(": ")[1].split(":")[0] for w in warnings] == ["SECRET_KEY", "ALLOWED_HOSTS", "CORS_ALLOW_ORIGINS"]
    lines.clear()
    debug_app = Surge(__name__, configs=BaseConfig(DEBUG=True, DEFAULT_LOGGER=logger))
    async with TestClient(debug_app):
        pass
    assert not [line for line in lines if "Deploy check" in line]  # DEBUG is a laptop: no nagging


def test_silenced_checks() -> None:
    assert keys_of(DEBUG=False, SILENCED_DEPLOY_CHECKS=["CORS_ALLOW_ORIGINS"]) == ["ALLOWED_HOSTS"]
    assert keys_of(DEBUG=True, SILENCED_DEPLOY_CHECKS=["*"]) == []
