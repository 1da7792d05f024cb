"""The seed README's static files: served, url_for("Static.get"), configurable path and folder.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from pathlib import Path

from surge.testing import TestClient

from seed_app import PagesApi
from surge_testkit import make_app


async def test_static_files_served_and_url_for(app_folder: Path) -> None:
    async with TestClient(make_app(PagesApi, BASE_PATH=str(app_folder))) as client:
        res = await client.get("/static/my_image.png")
        assert (res.status_code, res.content) == (200, b"\x89PNG fake image")
        assert res.headers["content-type"] == "image/png"
        res = await client.get("/static/img/logo.png")
        assert (res.status_code, res.content) == (200, b"\x89PNG logo")
        assert (await client.get("/static/nope.png")).status_code == 404
        assert (await client.get("/static/../templates/error.html")).status_code == 404
        res = await client.get("/pages/image-url")
        assert res.json() == {"image": "/static/my_image.png", "logo": "/static/img/logo.png"}


async def test_static_path_and_folder_are_configurable(app_folder: Path) -> None:
    (app_folder / "public").mkdir()
    (app_folder / "public" / "a.txt").write_text("asset")
    application = make_app(PagesApi, BASE_PATH=str(app_folder), STATIC_DIR="/public", STATIC_URL="/assets")
    async with TestClient(application) as client:
        res = await client.get("/assets/a.txt")
        assert (res.status_code, res.text) == (200, "asset")
        assert (await client.get("/static/my_image.png")).status_code == 404
        assert (await client.get("/pages/image-url")).json()["image"] == "/assets/my_image.png"
