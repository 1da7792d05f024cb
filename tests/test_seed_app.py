"""The seed README's blank start: ``@app`` with a Config class, startup/shutdown hooks, app properties.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from surge.testing import SurgeTestClient

from seed_app import EVENTS, make_application


async def test_blank_start_startup_shutdown_and_app_properties(app_folder: Path) -> None:
    EVENTS.clear()
    Application = make_application(app_folder)
    async with SurgeTestClient(Application()) as client:
        res = await client.get("/api/v1/info")
    assert res.status_code == 200
    assert res.json() == {
        "events": ["startup:another", "startup:first"],
        "app_name": "Test app",
        "version": "1.0",
        "secret": "some-super-secret-key",
        "missing": "fallback",
        "configs_app_name": "Test app",
        "root_path": str(app_folder),
        "static_files_path": str(app_folder / "static"),
        "app_is_self": True,
        "has_logger": True,
        "user_url": "/api/v1/users/7",
    }
    assert EVENTS == ["startup:another", "startup:first", "shutdown:first"]


def test_get_conf_raises_for_a_missing_key_without_default(app_folder: Path) -> None:
    application = make_application(app_folder)()
    with pytest.raises(KeyError):
        application.get_conf("NOT_A_KEY")
    assert application.get_conf("NOT_A_KEY", None) is None
    assert callable(application.run_cli)
