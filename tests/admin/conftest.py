"""Fixtures of the admin tests: the app, a logged-in client, a CSRF token helper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from surge_admin_app import AdminClient, build

from surge.testing import TestClient


@pytest.fixture
async def admin(tmp_path: Any) -> AsyncIterator[AdminClient]:
    """The app running, a client logged in as ``admin`` (every right)."""
    app, dashboard = build(tmp_path)
    async with TestClient(app) as client:
        helper = AdminClient(client, dashboard, app)
        await helper.login("admin")
        yield helper
