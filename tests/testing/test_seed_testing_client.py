"""The seed README's testing section: its conftest fixtures and the TestClient.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from surge.testing import SurgeTestClient, TestClient

from seed_app import make_application


@pytest.fixture
async def application(app_folder: Path):
    yield make_application(app_folder)()


@pytest.fixture
async def client(application):
    async with SurgeTestClient(application) as c:
        yield c


async def test_get_users(client) -> None:
    res = await client.get("/api/v1/users/1")
    assert res.status_code == 200


async def test_test_client_runs_lifespan_hooks(client) -> None:
    res = await client.get("/api/v1/info")
    assert res.json()["events"][-2:] == ["startup:another", "startup:first"]
    assert SurgeTestClient is TestClient
