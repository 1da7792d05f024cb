"""Content negotiation: req.accepts() by q-values, response.negotiate() to HTML, JSON, XML or 406."""

import xml.etree.ElementTree as ET

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.http.negotiation import best_match, to_xml
from surge.testing import TestClient

from surge_testkit import make_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
NOTE = {"id": 7, "title": "Tea & <cake>", "tags": ["a", "b"], "done": False, "extra": None, "1st key": 1}


@path("/")
class Notes(Controller):
    @get("/note")
    async def note(self, req: Request) -> Response:
        return await req.response.negotiate(NOTE, template="note.html")

    @get("/data")
    async def data(self, req: Request) -> Response:
        return await req.response.negotiate([1, 2])

    @get("/which")
    async def which(self, req: Request) -> dict:
        return {"best": req.accepts("application/json", "text/html")}


@pytest.fixture
async def client(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "note.html").write_text("<h1>{{ title }}</h1><p>{{ data.id }}</p>")
    async with TestClient(make_app(Notes, BASE_PATH=str(tmp_path))) as c:
        yield c


async def test_browsers_get_the_template(client) -> None:
    res = await client.get("/note", headers={"accept": BROWSER})
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/html")
    assert res.text == "<h1>Tea &amp; &lt;cake&gt;</h1><p>7</p>"
    assert "Accept" in res.headers["vary"]


async def test_api_clients_get_json_or_xml(client) -> None:
    res = await client.get("/note", headers={"accept": "application/json"})
    assert res.json() == NOTE
    res = await client.get("/note")  # no Accept: JSON
    assert res.json() == NOTE
    res = await client.get("/note", headers={"accept": "application/xml"})
    assert res.headers["content-type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(res.content)
    assert root.tag == "response"
    assert root.findtext("title") == "Tea & <cake>"
    assert [item.text for item in root.find("tags")] == ["a", "b"]
    assert root.findtext("done") == "false"
    assert root.find("item[@key='1st key']").text == "1"


async def test_nothing_acceptable_is_406_listing_the_types(client) -> None:
    res = await client.get("/note", headers={"accept": "image/png"})
    assert res.status_code == 406
    body = res.json()
    assert "application/json" in body["message"] and "text/html" in body["message"]
    res = await client.get("/data", headers={"accept": "text/html"})  # no template: no HTML
    assert res.status_code == 406
    assert "text/html" not in res.json()["message"].split("available as", 1)[1]


async def test_req_accepts_uses_q_values(client) -> None:
    async def best(accept: str) -> str | None:
        return (await client.get("/which", headers={"accept": accept})).json()["best"]

    assert await best("text/html;q=0.5, application/json") == "application/json"
    assert await best("text/*;q=0.9, application/json;q=0.2") == "text/html"
    assert await best("application/json;q=0, text/html;q=0") is None
    assert await best(BROWSER) == "text/html"


def test_best_match_prefers_specific_ranges() -> None:
    assert best_match("*/*;q=0.1, application/json;q=0", ["application/json", "text/plain"]) == "text/plain"
    assert best_match(None, ["a/b"]) == "a/b"
    assert best_match("text/html", []) is None


def test_xml_writer_is_safe() -> None:
    document = to_xml({"<script>": "x\x00y", "nested": [{"a": [1, 2.5]}]})
    root = ET.fromstring(document)
    assert root.find("item").get("key") == "<script>"
    assert root.find("item").text == "xy"
    with pytest.raises(ValueError):
        deep: list = []
        for _ in range(100):
            deep = [deep]
        to_xml(deep)
