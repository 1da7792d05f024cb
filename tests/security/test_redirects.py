"""Open redirects and header injection: ``url_is_safe``, ``login_redirect_target``, ``Response.redirect``."""

from __future__ import annotations

from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.security import login_redirect_target, safe_redirect_target, url_is_safe
from surge.testing import TestClient

HOSTS = {"testserver", "shop.example"}


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/account",
        "/search?q=a%0d%0ab&next=//x",
        "account/orders",
        "?page=2",
        "#top",
        "https://shop.example/cart",
        "http://shop.example/cart",
        "HTTPS://Shop.Example/",
        "  /padded  ",
    ],
)
def test_safe_targets(target: str) -> None:
    assert url_is_safe(target, HOSTS)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "   ",
        "//evil.example",
        "///evil.example",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "\x08//evil.example",
        "/ok\r\nSet-Cookie: a=b",
        "/ok\x00",
        "https://evil.example",
        "http://evil.example/",
        "https://shop.example.evil.example/",
        "https://shop.example@evil.example/",
        "http:///evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://shop.example/",
        "http://[::1",
    ],
)
def test_unsafe_targets(target: str | None) -> None:
    assert not url_is_safe(target, HOSTS)


def test_require_https_and_defaults() -> None:
    assert not url_is_safe("http://shop.example/", HOSTS, require_https=True)
    assert url_is_safe("https://shop.example/", HOSTS, require_https=True)
    assert url_is_safe("/relative", require_https=True)
    assert not url_is_safe("https://shop.example/")  # no allowed hosts: relative targets only
    assert url_is_safe("https://shop.example/", "shop.example")
    assert safe_redirect_target("//evil.example", HOSTS, default="/home") == "/home"
    assert safe_redirect_target("/cart", HOSTS) == "/cart"


@path("/")
class Site(Controller):
    @post("/login")
    async def login(self, req: Request) -> Response:
        return req.response.redirect(login_redirect_target(req, default="/welcome"))

    @get("/go")
    async def go(self, req: Request) -> Response:
        return req.response.redirect(req.query_params.get("to", "/"))


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("next=/orders", "/orders"),
        ("next=https://testserver/orders", "https://testserver/orders"),
        ("next=/%5Cevil.example/", "/welcome"),
        ("next=/%09/evil.example/", "/welcome"),
        ("next=//evil.example", "/welcome"),
        ("next=https://evil.example", "/welcome"),
        ("next=/x%0d%0aSet-Cookie:%20a=b", "/welcome"),
        ("", "/welcome"),
    ],
)
async def test_login_flow_follows_only_safe_next(make_app: Any, query: str, location: str) -> None:
    async with TestClient(make_app(controllers=[Site])) as client:
        res = await client.post(f"/login?{query}", follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"] == location


async def test_https_login_refuses_http_next(make_app: Any) -> None:
    async with TestClient(make_app(controllers=[Site]), base_url="https://testserver") as client:
        res = await client.post("/login?next=http://testserver/x", follow_redirects=False)
        assert res.headers["location"] == "/welcome"


@pytest.mark.parametrize("to", ["/a%0d%0aSet-Cookie:%20admin=1", "/a%0aX-Evil:%201", "/a%00b", "/%09x"])
async def test_redirect_with_control_characters_is_400(make_app: Any, to: str) -> None:
    async with TestClient(make_app(controllers=[Site])) as client:
        res = await client.get(f"/go?to={to}", follow_redirects=False)
        assert res.status_code == 400
        assert "set-cookie" not in res.headers and "x-evil" not in res.headers and "location" not in res.headers
        assert res.json()["message"] == "Redirect target contains control characters"
