"""HttpsRedirectMiddleware: 301/308 to https; X-Forwarded-Proto only from trusted proxies."""

import pytest

from surge import Request
from surge.controller import Controller, get, path, post
from surge.testing import LifespanFailed, TestClient

from surge_testkit import make_app

MIDDLEWARE = ["surge.middleware.https_redirect:HttpsRedirectMiddleware"]


@path("/")
class Api(Controller):
    @get("/page")
    async def page(self, req: Request) -> dict:
        return {"scheme": req.scope["scheme"]}

    @post("/form")
    async def form(self, req: Request) -> dict:
        return {"ok": True}


async def test_plain_http_is_redirected() -> None:
    async with TestClient(make_app(Api, MIDDLEWARE=MIDDLEWARE)) as client:
        res = await client.get("/page?x=1%2F2", follow_redirects=False)
        assert res.status_code == 301
        assert res.headers["location"] == "https://testserver/page?x=1%2F2"
        res = await client.post("/form", follow_redirects=False)
        assert res.status_code == 308
        # the header means nothing from an untrusted peer
        res = await client.get("/page", headers={"x-forwarded-proto": "https"}, follow_redirects=False)
        assert res.status_code == 301


async def test_trusted_proxy_forwarded_proto_is_believed() -> None:
    app = make_app(Api, MIDDLEWARE=MIDDLEWARE, HTTPS_REDIRECT={"TRUSTED_PROXIES": ["127.0.0.1"], "HTTPS_PORT": 8443})
    async with TestClient(app) as client:
        res = await client.get("/page", headers={"x-forwarded-proto": "https"}, follow_redirects=False)
        assert res.status_code == 200
        res = await client.get("/page", headers={"x-forwarded-proto": "http"}, follow_redirects=False)
        assert res.headers["location"] == "https://testserver:8443/page"


async def test_https_requests_pass_and_bad_config_fails() -> None:
    async with TestClient(make_app(Api, MIDDLEWARE=MIDDLEWARE), base_url="https://example.org") as client:
        res = await client.get("/page")
        assert res.json() == {"scheme": "https"}
    app = make_app(Api, MIDDLEWARE=MIDDLEWARE, HTTPS_REDIRECT={"TRUSTED": []})
    with pytest.raises(LifespanFailed, match="HTTPS_REDIRECT.TRUSTED"):
        async with TestClient(app):
            pass
