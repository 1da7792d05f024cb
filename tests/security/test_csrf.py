"""CSRF: tokens in templates, verified on unsafe cookie-authenticated requests, exemptions."""

from __future__ import annotations

import re
from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, delete, get, path, post, put
from surge.exceptions import ExceptionHandler, ImproperlyConfigured, handles
from surge.security import CSRF, CSRFError, Sessions, csrf_exempt, csrf_token, rotate_csrf_token
from surge.testing import TestClient

HTTPS = "https://testserver"
FORM = '<form method="post">{{ csrf_input() }}</form><p>{{ csrf_token() }}</p>'


@path("/")
class Pages(Controller):
    @get("/form")
    async def form(self, req: Request) -> Response:
        return req.response.html_from_string(FORM)

    @get("/token")
    async def token(self, req: Request) -> Response:
        return req.response.json({"token": csrf_token(req)})

    @post("/login")
    async def login(self, req: Request) -> Response:
        req.session.rotate()
        rotate_csrf_token(req)
        req.session["user"] = "ann"
        return req.response.json({"ok": True})

    @post("/transfer")
    async def transfer(self, req: Request) -> Response:
        form = await req.form()
        return req.response.json({"amount": form.get("amount")})

    @post("/api")
    async def api(self, req: Request) -> Response:
        return req.response.json(await req.json())

    @put("/api")
    async def api_put(self, req: Request) -> Response:
        return req.response.json({"put": True})

    @delete("/api")
    async def api_delete(self, req: Request) -> Response:
        return req.response.json({"deleted": True})

    @post("/webhook")
    @csrf_exempt
    async def webhook(self, req: Request) -> Response:
        return req.response.json({"hooked": True})


@path("/hooks")
@csrf_exempt
class Hooks(Controller):
    @post("/")
    async def hook(self, req: Request) -> Response:
        return req.response.json({"hooked": True})


def csrf_app(make_app: Any, **config: Any) -> Any:
    return make_app(extensions=[Sessions(), CSRF()], controllers=[Pages, Hooks], **config)


async def start_session(client: TestClient) -> str:
    """Open a session as a browser does (GET the form) and return the page's token."""
    page = await client.get("/form")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text
    assert "session" in client.cookies
    return match.group(1)


async def test_template_helpers_render_a_token(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        page = await client.get("/form")
    assert re.search(r'<input type="hidden" name="csrf_token" value="[A-Za-z0-9_-]{80,}">', page.text)
    tokens = re.findall(r"[A-Za-z0-9_-]{80,}", page.text)
    assert len(set(tokens)) == 2  # masked anew on each call


async def test_form_post_with_the_token_passes(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        token = await start_session(client)
        response = await client.post("/transfer", data={"amount": "10", "csrf_token": token})
    assert response.status_code == 200
    assert response.json() == {"amount": "10"}


async def test_multipart_form_token_passes(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        token = await start_session(client)
        response = await client.post(
            "/transfer", data={"amount": "5", "csrf_token": token}, files={"f": ("a.txt", b"x")}
        )
    assert response.json() == {"amount": "5"}


async def test_post_without_token_is_403(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        await start_session(client)
        response = await client.post("/transfer", data={"amount": "1000000"})
    assert response.status_code == 403
    assert response.json() == {"status": "error", "message": "CSRF token missing"}


async def test_wrong_token_is_403(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        token = await start_session(client)
        flipped = ("A" if token[0] != "A" else "B") + token[1:]
        for bad in (flipped, "short", token[:-4], "!!!not-base64!!!"):
            response = await client.post("/transfer", data={"amount": "1", "csrf_token": bad})
            assert response.status_code == 403
            assert response.json()["message"] == "CSRF token invalid"


async def test_token_of_another_session_is_refused(make_app: Any) -> None:
    app = csrf_app(make_app)
    async with TestClient(app, base_url=HTTPS) as attacker, TestClient(app, base_url=HTTPS) as victim:
        attackers_token = await start_session(attacker)
        await start_session(victim)
        response = await victim.post("/transfer", data={"amount": "1", "csrf_token": attackers_token})
    assert response.status_code == 403


async def test_header_token_for_ajax(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        token = (await client.get("/token")).json()["token"]
        ok = await client.post("/api", json={"a": 1}, headers={"X-CSRF-Token": token})
        put_ok = await client.put("/api", headers={"X-CSRF-Token": token})
        refused_put = await client.put("/api")
        refused_delete = await client.delete("/api")
    assert ok.json() == {"a": 1}
    assert put_ok.status_code == 200
    assert refused_put.status_code == 403
    assert refused_delete.status_code == 403


async def test_requests_without_the_session_cookie_are_not_checked(make_app: Any) -> None:
    """Bearer-token APIs send no cookie: a forged cross-site request cannot ride on one."""
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        response = await client.post("/api", json={"a": 1}, headers={"Authorization": "Bearer abc"})
    assert response.status_code == 200


async def test_safe_methods_are_not_checked(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        await start_session(client)
        assert (await client.get("/token")).status_code == 200
        assert (await client.head("/form")).status_code == 200


async def test_exempt_endpoint_and_controller(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        await start_session(client)
        assert (await client.post("/webhook")).json() == {"hooked": True}
        assert (await client.post("/hooks")).json() == {"hooked": True}
        assert (await client.post("/nowhere")).status_code == 404


async def test_login_rotates_the_token(make_app: Any) -> None:
    async with TestClient(csrf_app(make_app), base_url=HTTPS) as client:
        before = await start_session(client)
        assert (await client.post("/login", headers={"X-CSRF-Token": before})).status_code == 200
        stale = await client.post("/api", json={}, headers={"X-CSRF-Token": before})
        fresh = (await client.get("/token")).json()["token"]
        ok = await client.post("/api", json={}, headers={"X-CSRF-Token": fresh})
    assert stale.status_code == 403
    assert ok.status_code == 200


class CsrfHandler(ExceptionHandler):
    @handles(CSRFError)
    async def csrf(self, req: Request, exc: CSRFError) -> Response:
        return req.response.json({"csrf": exc.message}).status(400)


async def test_csrf_error_is_handleable(make_app: Any) -> None:
    app = make_app(extensions=[Sessions(), CSRF()], controllers=[Pages], handlers=[CsrfHandler])
    async with TestClient(app, base_url=HTTPS) as client:
        await start_session(client)
        response = await client.post("/transfer", data={"amount": "1"})
    assert response.status_code == 400
    assert response.json() == {"csrf": "CSRF token missing"}


async def test_disabled_check_and_custom_names(plant_cookie: Any, make_app: Any) -> None:
    async with TestClient(csrf_app(make_app, CSRF={"ENABLED": False}), base_url=HTTPS) as client:
        await start_session(client)
        assert (await client.post("/transfer", data={"amount": "1"})).status_code == 200
    app = csrf_app(make_app, CSRF={"HEADER_NAME": "X-XSRF", "COOKIE_NAMES": ["remember_me"]})
    async with TestClient(app, base_url=HTTPS) as client:
        token = (await client.get("/token")).json()["token"]
        assert (await client.post("/api", json={}, headers={"X-XSRF": token})).status_code == 200
        client.cookies.clear()
        plant_cookie(client, "remember_me", "1")
        assert (await client.post("/api", json={})).status_code == 403


def test_csrf_needs_sessions_first(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="Sessions"):
        make_app(extensions=[CSRF()])
    with pytest.raises(ImproperlyConfigured, match="Sessions"):
        make_app(extensions=[CSRF(), Sessions()])


def test_bad_config_names_the_key(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="CSRF.HEADERNAME"):
        csrf_app(make_app, CSRF={"HEADERNAME": "x"})
