"""Templates that only lay out data render in Jinja's sync mode; async data still works in them.

Speed is not asserted here (benchmarks/ measures it). What is: whatever mode a template ends up
in, its text is what Jinja's async mode gives: escaped, strict about undefined names, with
awaitables awaited and async iterables looped over, before and after such data first shows up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.testing import TestClient

from surge_testkit import make_app

LIST = "<ul>{% for p in planets %}<li>{{ p.name }}</li>{% endfor %}</ul>{{ title|upper }}"


async def moons() -> AsyncIterator[dict[str, str]]:
    for name in ("Phobos", "Deimos"):
        yield {"name": name}


class Lazy:
    """An attribute whose value must be awaited (async mode awaits it when printed)."""

    @property
    def name(self) -> Any:
        async def load() -> str:
            return "<Ceres>"

        return load()


@path("/pages")
class Pages(Controller):
    @get("/list")
    async def listed(self, req: Request) -> Response:
        planets = [{"name": "Mars"}, {"name": "<Venus>"}]
        return await req.response.html("list.html", {"planets": planets, "title": "inner"})

    @get("/async-list")
    async def async_listed(self, req: Request) -> Response:
        return await req.response.html("list.html", {"planets": moons(), "title": "moons"})

    @get("/lazy")
    async def lazy(self, req: Request) -> Response:
        return await req.response.html("lazy.html", {"thing": Lazy()})

    @get("/filtered")
    async def filtered(self, req: Request) -> Response:
        return await req.response.html("filtered.html", {"title": "quiet"})

    @get("/undefined")
    async def undefined(self, req: Request) -> Response:
        return await req.response.html("list.html", {"planets": []})


async def shout(value: str) -> str:
    return value.upper() + "!"


def app_with_templates(tmp_path: Any) -> Any:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "list.html").write_text(LIST)
    (folder / "lazy.html").write_text("<b>{{ thing.name }}</b>")
    (folder / "filtered.html").write_text("{{ title|shout }}")
    app = make_app(Pages, BASE_PATH=str(tmp_path))
    app.templates.add_filter("shout", shout)
    return app


async def test_data_templates_render_and_stay_right_when_async_data_arrives(tmp_path) -> None:
    async with TestClient(app_with_templates(tmp_path)) as client:
        first = await client.get("/pages/list")
        assert first.status_code == 200
        assert first.text == "<ul><li>Mars</li><li>&lt;Venus&gt;</li></ul>INNER"
        moons_page = await client.get("/pages/async-list")  # an async iterable in the same template
        assert moons_page.text == "<ul><li>Phobos</li><li>Deimos</li></ul>MOONS"
        assert (await client.get("/pages/list")).text == first.text  # and lists still render after it
        assert (await client.get("/pages/async-list")).text == moons_page.text


async def test_an_awaitable_value_is_awaited(tmp_path) -> None:
    async with TestClient(app_with_templates(tmp_path)) as client:
        for _ in range(2):
            res = await client.get("/pages/lazy")
            assert res.status_code == 200
            assert res.text == "<b>&lt;Ceres&gt;</b>"


async def test_an_app_filter_may_be_async(tmp_path) -> None:
    async with TestClient(app_with_templates(tmp_path)) as client:
        assert (await client.get("/pages/filtered")).text == "QUIET!"


async def test_undefined_names_still_fail_in_data_templates(tmp_path) -> None:
    async with TestClient(app_with_templates(tmp_path)) as client:
        assert (await client.get("/pages/list")).status_code == 200
        res = await client.get("/pages/undefined")
        assert res.status_code == 500
        assert res.json()["status"] == "error"
