"""ALLOWED_HOSTS: the Host header checked against the list, 400 otherwise; host parsing."""

from __future__ import annotations

from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.exceptions import ImproperlyConfigured
from surge.security import AllowedHosts, SecurityHeaders
from surge.security.hosts import host_allowed, split_host
from surge.testing import TestClient


@path("/")
class Pages(Controller):
    @get("/")
    async def index(self, req: Request) -> Response:
        return req.response.text("hello")


@pytest.fixture
def hosts_app(make_app: Any) -> Any:
    return make_app(
        extensions=[SecurityHeaders(), AllowedHosts()],
        controllers=[Pages],
        ALLOWED_HOSTS=["example.com", ".example.org", "*.example.net", "testserver"],
    )


@pytest.mark.parametrize(
    "host",
    ["example.com", "EXAMPLE.com:8443", "example.org", "api.example.org", "a.b.example.net", "testserver", "example.com."],
)
async def test_allowed_hosts_pass(hosts_app: Any, host: str) -> None:
    async with TestClient(hosts_app) as client:
        response = await client.get("/", headers={"Host": host})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "host",
    ["evil.com", "example.com.evil.com", "notexample.org", "example.net", "example.com@evil.com", "exa mple.com", ""],
)
async def test_other_hosts_are_400(hosts_app: Any, host: str) -> None:
    async with TestClient(hosts_app) as client:
        response = await client.get("/", headers={"Host": host})
    assert response.status_code == 400
    assert response.json() == {"status": "error", "message": "Invalid Host header"}
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_wildcard_allows_everything(make_app: Any) -> None:
    app = make_app(extensions=[AllowedHosts()], controllers=[Pages], ALLOWED_HOSTS=["*"])
    async with TestClient(app) as client:
        assert (await client.get("/", headers={"Host": "anything.test"})).status_code == 200


@pytest.mark.parametrize("value", [None, [], "example.com", ["example.com", 3]])
def test_allowed_hosts_must_be_a_list(make_app: Any, value: Any) -> None:
    config = {} if value is None else {"ALLOWED_HOSTS": value}
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        make_app(extensions=[AllowedHosts()], **config)


def test_host_parsing() -> None:
    assert split_host("Example.COM:80") == "example.com"
    assert split_host("[::1]:8000") == "[::1]"
    assert split_host("bad host") is None
    assert host_allowed("[::1]", ("[::1]",))
    assert not host_allowed("example.com", ("*.example.com",))
