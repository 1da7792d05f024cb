"""The seed README's template responses: rendered, strict or not, configurable folder.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from pathlib import Path

from surge.testing import TestClient

from seed_app import PagesApi
from surge_testkit import make_app


async def test_template_responses(app_folder: Path) -> None:
    async with TestClient(make_app(PagesApi, BASE_PATH=str(app_folder), DEBUG=False)) as client:
        res = await client.get("/pages/3")
        assert (res.status_code, res.text) == (200, "<h1>John Doe</h1><p>3</p>")
        assert res.headers["content-type"].startswith("text/html")
        res = await client.get("/pages/awaited")
        assert (res.status_code, res.text) == (201, "<h1>Ann</h1><p>1</p>")
        res = await client.get("/pages/missing-var")  # TEMPLATES_STRICT=True: undefined is an error
        assert res.status_code == 500


async def test_templates_not_strict_and_folder_configurable(app_folder: Path) -> None:
    (app_folder / "views").mkdir()
    (app_folder / "views" / "my_template.html").write_text("<i>{{ title }}</i>{{ user_id }}")
    application = make_app(PagesApi, BASE_PATH=str(app_folder), TEMPLATES_DIR="/views", TEMPLATES_STRICT=False)
    async with TestClient(application) as client:
        res = await client.get("/pages/4")  # an undefined name renders as nothing
        assert (res.status_code, res.text) == (200, "<i></i>4")
