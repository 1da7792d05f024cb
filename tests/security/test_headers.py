"""Security headers on every response, HSTS on HTTPS only, CSP opt-in."""

from __future__ import annotations

from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path, post
from surge.exceptions import ImproperlyConfigured
from surge.security import CSRF, SecurityHeaders, Sessions
from surge.testing import TestClient


@path("/")
class Pages(Controller):
    @get("/")
    async def index(self, req: Request) -> Response:
        return req.response.text("hello")

    @get("/framed")
    async def framed(self, req: Request) -> Response:
        return req.response.text("embeddable").set_header("X-Frame-Options", "SAMEORIGIN")

    @post("/form")
    async def form(self, req: Request) -> Response:
        req.session["x"] = 1
        return req.response.text("ok")


async def test_default_headers(make_app: Any) -> None:
    app = make_app(extensions=[SecurityHeaders()], controllers=[Pages])
    async with TestClient(app) as client:
        response = await client.get("/")
        missing = await client.get("/nowhere")
    for checked in (response, missing):
        assert checked.headers["x-content-type-options"] == "nosniff"
        assert checked.headers["x-frame-options"] == "DENY"
        assert checked.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert checked.headers["cross-origin-opener-policy"] == "same-origin"
        assert "strict-transport-security" not in checked.headers  # plain HTTP
        assert "content-security-policy" not in checked.headers  # opt-in
    assert missing.status_code == 404


async def test_hsts_on_https(make_app: Any) -> None:
    app = make_app(extensions=[SecurityHeaders()], controllers=[Pages])
    async with TestClient(app, base_url="https://testserver") as client:
        response = await client.get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def test_configured_headers(make_app: Any) -> None:
    section = {
        "CONTENT_SECURITY_POLICY": "default-src 'self'",
        "X_FRAME_OPTIONS": None,
        "HSTS_SECONDS": 600,
        "HSTS_INCLUDE_SUBDOMAINS": False,
        "HSTS_PRELOAD": True,
        "EXTRA": {"Permissions-Policy": "camera=()"},
    }
    app = make_app(extensions=[SecurityHeaders()], controllers=[Pages], SECURITY_HEADERS=section)
    async with TestClient(app, base_url="https://testserver") as client:
        response = await client.get("/")
    assert response.headers["content-security-policy"] == "default-src 'self'"
    assert "x-frame-options" not in response.headers
    assert response.headers["strict-transport-security"] == "max-age=600; preload"
    assert response.headers["permissions-policy"] == "camera=()"


async def test_csp_report_only(make_app: Any) -> None:
    section = {"CONTENT_SECURITY_POLICY": "default-src 'self'", "CONTENT_SECURITY_POLICY_REPORT_ONLY": True}
    app = make_app(extensions=[SecurityHeaders()], controllers=[Pages], SECURITY_HEADERS=section)
    async with TestClient(app) as client:
        response = await client.get("/")
    assert response.headers["content-security-policy-report-only"] == "default-src 'self'"
    assert "content-security-policy" not in response.headers


async def test_a_header_set_by_the_handler_wins(make_app: Any) -> None:
    app = make_app(extensions=[SecurityHeaders()], controllers=[Pages])
    async with TestClient(app) as client:
        response = await client.get("/framed")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]


async def test_refusals_of_inner_extensions_get_the_headers_too(plant_cookie: Any, make_app: Any) -> None:
    app = make_app(extensions=[SecurityHeaders(), Sessions(), CSRF()], controllers=[Pages])
    async with TestClient(app, base_url="https://testserver") as client:
        plant_cookie(client, "session", "anything")
        refused = await client.post("/form")
    assert refused.status_code == 403
    assert refused.headers["x-frame-options"] == "DENY"


def test_bad_config_names_the_key(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECURITY_HEADERS.HSTS_SECONDS"):
        make_app(extensions=[SecurityHeaders()], SECURITY_HEADERS={"HSTS_SECONDS": -1})
