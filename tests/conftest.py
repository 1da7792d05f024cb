"""Shared fixtures: real services on 127.0.0.1, skipped (or failed under CI) when absent.

Helpers (make_app, free_port, require_service) live in ``surge_testkit``; import them from there.
The seed README's application is ``seed_app`` and its throw-away project writer ``seed_project``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from seed_project import SeedProject
from surge_testkit import POSTGRES_URL, REDIS_URL, require_service


@pytest.fixture
def postgres_url() -> str:
    """URL of the test PostgreSQL database (skips when PostgreSQL is down)."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    return POSTGRES_URL


@pytest.fixture
def redis_url() -> str:
    """URL of the test Redis (skips when Redis is down)."""
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL


@pytest.fixture
def app_folder(tmp_path: Path) -> Path:
    """The seed's ``app`` folder, with its ``templates`` and ``static`` folders."""
    from seed_app import write_app_folder  # here, so that the seed's app loads only for the tests using it

    return write_app_folder(tmp_path)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SeedProject:
    """A throw-away seed ``app`` package under ``tmp_path``, importable and the working directory."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return SeedProject(tmp_path)
