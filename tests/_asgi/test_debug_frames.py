"""The DEBUG page's frames: the user's code first with source and locals, typed route parameters, no secrets."""

from __future__ import annotations

import datetime
import html
import inspect
import json
import re
from pathlib import Path

import httpx
import pytest

import surge
from surge import BaseConfig, Request, Response, Surge
from surge._asgi._debug_frames import MASK, Redactor, is_library_file
from surge.controller import Controller, get, path

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SECRET_KEY = "k3y-that-signs-every-session-cookie-0123456789abcdef"
TOKEN = "tok-5up3r-s3cr3t-bearer"


def price_per_unit(order_id: int, day: datetime.date) -> float:
    """A user helper that fails: the page must lead with this frame."""
    basket_note = "<b>fragile</b> handle with care"  # noqa: F841 - shown among the locals
    subtotal = order_id * 2.5
    discount_rate = 0
    return subtotal / discount_rate  # the failing line


@path("/shop")
class Orders(Controller):
    @get("/orders/<int:order_id>/on/<day>")
    async def order(self, req: Request, order_id: int, day: datetime.date) -> Response:
        auth_header = req.headers.get("authorization")  # a local holding the credential
        signing = req.app.get_conf("SECRET_KEY")  # noqa: F841 - a local holding the app's secret
        settings = req.app.config  # noqa: F841 - every setting, secrets included
        return req.response.json({"price": price_per_unit(order_id, day), "auth": auth_header})


def make(debug: bool) -> Surge:
    application = Surge(__name__, configs=BaseConfig(DEBUG=debug, SECRET_KEY=SECRET_KEY))
    application.register_controller(Orders)
    return application


async def fetch(debug: bool, accept: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=make(debug), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(
            "/shop/orders/42/on/2024-05-17?page=2&token=qwerty-123456",
            headers={
                "accept": accept,
                "authorization": f"Bearer {TOKEN}",
                "cookie": "session=cookie-value-987",
            },
        )


def failing_line() -> tuple[int, str]:
    lines, first = inspect.getsourcelines(price_per_unit)
    offset = next(i for i, line in enumerate(lines) if "the failing line" in line)
    return first + offset, lines[offset].rstrip("\n")


def frame_functions(page: str) -> list[tuple[bool, str]]:
    """(user frame?, function) of every frame on the page, in page order."""
    return [
        (kind == " user", html.unescape(name))
        for kind, name in re.findall(
            r'<div class="frame( user)?"><div class="where">[^<]*, line \d+, in <b>([^<]*)</b>', page
        )
    ]


async def test_page_leads_with_the_users_frames_with_source_and_locals() -> None:
    res = await fetch(debug=True, accept=BROWSER["accept"])
    assert res.status_code == 500
    assert res.headers["content-type"].startswith("text/html")
    page = res.text
    frames = frame_functions(page)
    # the user's frames first, most recent call first: the helper, then the handler
    assert frames[:2] == [(True, "price_per_unit"), (True, "Orders.order")]
    assert all(not user for user, _ in frames[2:]) and len(frames) > 2
    # the framework's frames are folded away, after the user's
    folded = page.index("framework and library frame")
    assert page.rindex("<details>", 0, folded) > page.index("in <b>Orders.order</b>")
    dispatch = str(Path(surge.__file__).parent / "_asgi" / "http.py")
    assert page.index(html.escape(dispatch)) > folded
    # the failing line, marked, with its neighbours
    number, text = failing_line()
    assert f'<div class="failing"><span class="ln">&rarr; {number}</span>{html.escape(text)}</div>' in page
    assert html.escape("    subtotal = order_id * 2.5") in page
    # locals of the helper, escaped
    note = "<b>fragile</b> handle with care"
    assert f"<tr><th>basket_note</th><td>{html.escape(repr(note))}</td></tr>" in page
    assert "<tr><th>discount_rate</th><td>0</td></tr>" in page
    assert note not in page
    # route parameters as the handler received them, typed
    assert "<tr><td>order_id</td><td>42</td><td>int</td></tr>" in page
    assert "<tr><td>day</td><td>datetime.date(2024, 5, 17)</td><td>datetime.date</td></tr>" in page
    # the request, credentials masked wherever they would show (headers, query, locals, config)
    assert "<tr><th>method</th><td>GET</td></tr>" in page
    assert f"<tr><th>authorization</th><td>{MASK}</td></tr>" in page
    assert f"<tr><th>cookie</th><td>{MASK}</td></tr>" in page
    assert f"<tr><th>token</th><td>{MASK}</td></tr>" in page
    assert "<tr><th>page</th><td>2</td></tr>" in page
    assert "<tr><th>settings</th><td>&lt;BaseConfig: settings hidden&gt;</td></tr>" in page
    for secret in (TOKEN, SECRET_KEY, "qwerty-123456", "cookie-value-987"):
        assert secret not in page
    assert "<script" not in page and "http://" not in page.split("<body>")[0]  # no CDN assets


async def test_api_client_gets_frames_and_typed_parameters_but_no_locals() -> None:
    res = await fetch(debug=True, accept="application/json")
    assert res.status_code == 500
    body = res.json()
    assert body["exception"] == "ZeroDivisionError"
    first, second = body["frames"][:2]
    assert (first["function"], first["user_code"], first["code"]) == (
        "price_per_unit",
        True,
        failing_line()[1].strip(),
    )
    assert (second["function"], second["user_code"]) == ("Orders.order", True)
    assert not any(frame["user_code"] for frame in body["frames"][2:])
    assert body["request"]["route_parameters"] == {
        "order_id": {"value": "42", "type": "int"},
        "day": {"value": "datetime.date(2024, 5, 17)", "type": "datetime.date"},
    }
    text = json.dumps(body)
    assert "fragile" not in text and "qwerty-123456" not in text and TOKEN not in text


@pytest.mark.parametrize("accept", [BROWSER["accept"], "application/json"])
async def test_production_answers_the_plain_500_without_any_of_it(accept: str) -> None:
    res = await fetch(debug=False, accept=accept)
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}
    for leak in ("price_per_unit", "fragile", "discount_rate", "datetime", "Traceback"):
        assert leak not in res.text


def test_redactor_masks_names_values_and_caps_sizes() -> None:
    redactor = Redactor.for_config(
        {
            "SECRET_KEY": "abcdefgh-secret",
            "SQL_DATABASE": {"URL": "postgresql://app:pg-pass-42@db/app"},
            "DEBUG": True,
        }
    )
    assert redactor.value("password", "hunter22") == MASK
    assert redactor.value("url", "postgresql://app:pg-pass-42@db/app") == repr(
        f"postgresql://app:{MASK}@db/app"
    )
    assert redactor.value("note", "key=abcdefgh-secret;") == repr(f"key={MASK};")
    assert redactor.value("row", {"api_key": "zzz", "id": 3}) == f"{{'api_key': {MASK}, 'id': 3}}"
    assert len(redactor.value("blob", "x" * 10_000)) <= 240
    assert redactor.value("items", list(range(1000))).endswith("...]")

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    assert "repr failed: RuntimeError" in redactor.value("thing", Broken())


def test_whose_code_a_file_is() -> None:
    assert is_library_file(surge.__file__)
    assert is_library_file(json.__file__)
    assert is_library_file(httpx.__file__)
    assert is_library_file("<surge handler>")
    assert not is_library_file(__file__)
