"""Named upstreams and ``proxy_pass`` against real granian servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from loguru import logger

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path, post
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient
from surge.upstreams import UpstreamConfig, Upstreams, UpstreamUnavailable
from surge.upstreams.proxy import relayed_headers

from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).parent


def _start(member: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--working-dir", str(HERE), "--factory", "--log-level", "warning", "upstream_backend_app:create_app"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "UPSTREAM_MEMBER": member}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/whoami", process)
    return process, url


def _stop(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def members() -> Iterator[list[str]]:
    """Two granian processes of the upstream app: members "one" and "two"."""
    started: list[subprocess.Popen[str]] = []
    try:
        urls = []
        for member in ("one", "two"):
            process, url = _start(member)
            started.append(process)
            urls.append(url)
        yield urls
    finally:
        for process in started:
            _stop(process)


@path("/")
class Front(Controller):
    @get("/billing/<path:rest>")
    async def billing(self, req: Request, rest: str) -> Response:
        return await req.response.proxy_pass("billing", "/" + rest)

    @post("/billing/<path:rest>")
    async def billing_post(self, req: Request, rest: str) -> Response:
        return await req.response.proxy_pass("billing", "/" + rest)

    @get("/slow")
    async def slow(self, req: Request) -> Response:
        return await req.response.proxy_pass("slowpoke", "/slow")

    @get("/nowhere")
    async def nowhere(self, req: Request) -> Response:
        return await req.response.proxy_pass("nowhere", "/whoami")

    @get("/typo")
    async def typo(self, req: Request) -> Response:
        return await req.response.proxy_pass("biling", "/whoami")

    @get("/members")
    async def spread(self, req: Request) -> Response:
        client = self.app.upstream("billing")
        seen = [(await client.get("/whoami")).json()["member"] for _ in range(4)]
        return req.response.json(seen)


def front_app(upstreams: dict[str, Any]) -> Surge:
    application = Surge(configs=BaseConfig(DEBUG=False, ACCESS_LOG=False, UPSTREAMS=upstreams))
    application.register_controller(Front)
    return application


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def app(members: list[str]) -> Surge:
    return front_app(
        {
            "billing": {"URLS": members, "TIMEOUT": 5, "RETRIES": 1},
            "slowpoke": {"URLS": [members[0]], "TIMEOUT": 0.5},
            "nowhere": {"URLS": [dead_url(), dead_url()], "RETRIES": 1},
        }
    )


async def test_round_robin_over_the_members(app: Surge) -> None:
    async with TestClient(app) as client:
        seen = (await client.get("/members")).json()
    assert sorted(seen) == ["one", "one", "two", "two"]
    assert seen[0] != seen[1]


async def test_proxy_pass_relays_status_headers_and_body(app: Surge) -> None:
    async with TestClient(app) as client:
        missing = await client.get("/billing/missing")
        assert missing.status_code == 404
        assert missing.json() == {"upstream": "not here"}

        cookies = await client.get("/billing/cookies")
        assert cookies.status_code == 200
        assert cookies.text == "two cookies"
        assert cookies.headers["x-upstream"] == "yes"
        assert cookies.headers["content-type"].startswith("text/plain")
        assert sorted(c.split(";")[0] for c in cookies.headers.get_list("set-cookie")) == ["a=1", "b=2"]

        posted = await client.post("/billing/echo", json={"n": 1})
        assert posted.status_code == 201
        assert posted.json() == {"body": '{"n":1}', "type": "application/json"}

        streamed = await client.get("/billing/stream")
        assert streamed.text == "".join(f"chunk {n}\n" for n in range(5))


async def test_request_headers_lose_hop_by_hop_and_gain_forwarded(app: Surge) -> None:
    async with TestClient(app) as client:
        echoed = await client.get(
            "/billing/echo?x=1&y=2",
            headers={
                "connection": "keep-alive, x-secret-hop",
                "x-secret-hop": "private",
                "keep-alive": "timeout=5",
                "te": "trailers",
                "proxy-authorization": "Basic abc",
                "x-kept": "kept",
            },
        )
    body = echoed.json()
    assert body["path"] == "/echo" and body["query"] == "x=1&y=2"
    received = body["headers"]
    assert received["x-kept"] == "kept"
    for hop in ("x-secret-hop", "keep-alive", "te", "proxy-authorization"):
        assert hop not in received, hop
    assert received["x-forwarded-proto"] == "http"
    assert received["x-forwarded-host"] == "testserver"
    assert "x-forwarded-for" in received


async def test_header_injection_through_proxied_headers_is_stripped(app: Surge) -> None:
    """A value carrying CR/LF reaches the app through a lax server or a raw ASGI scope: it is dropped."""
    await app.startup()
    try:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/billing/echo",
            "raw_path": b"/billing/echo",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"x-evil", b"a\r\nx-injected: yes"),
                (b"x-fine", b"ok"),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        }
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        await app(scope, receive, send)
    finally:
        await app.shutdown()
    assert messages[0]["status"] == 200
    body = b"".join(m.get("body", b"") for m in messages[1:])
    import orjson

    received = orjson.loads(body)["headers"]
    assert received["x-fine"] == "ok"
    assert "x-evil" not in received and "x-injected" not in received

    upstream_answer = httpx.Response(200, headers=[("x-ok", "1"), ("x-bad", "v\r\nset-cookie: stolen=1")])
    assert relayed_headers(upstream_answer) == [("x-ok", "1")]


async def test_every_member_down_is_502_and_a_dead_member_is_skipped(members: list[str]) -> None:
    app = front_app(
        {
            "billing": {"URLS": [dead_url(), members[0]], "RETRIES": 1, "FAIL_TIMEOUT": 60},
            "nowhere": {"URLS": [dead_url(), dead_url()], "RETRIES": 1},
        }
    )
    async with TestClient(app) as client:
        down = await client.get("/nowhere")
        assert down.status_code == 502
        assert down.json() == {"status": "error", "message": "Every member of upstream 'nowhere' is down"}
        for _ in range(4):  # the dead member is retried past, then skipped
            assert (await client.get("/billing/whoami")).json() == {"member": "one"}
        dead, alive = app.upstream("billing").members
        assert not dead.is_up and alive.is_up


async def test_a_slow_upstream_is_504(app: Surge) -> None:
    async with TestClient(app) as client:
        slow = await client.get("/slow")
    assert slow.status_code == 504
    assert slow.json()["message"] == "Upstream 'slowpoke' did not answer within 0.5s"


async def test_an_unknown_upstream_is_a_500_with_a_clear_log(app: Surge) -> None:
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="ERROR")
    try:
        async with TestClient(app) as client:
            typo = await client.get("/typo")
    finally:
        logger.remove(sink)
    assert typo.status_code == 500
    assert any("No upstream named 'biling' in UPSTREAMS (configured: billing, nowhere, slowpoke)" in line for line in lines)


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"billing": {"URLS": []}}, "UPSTREAMS.billing.URLS"),
        ({"billing": {"URLS": ["ftp://host"]}}, "UPSTREAMS.billing.URLS"),
        ({"billing": {"URLS": ["http://a"], "TIMEOUT": 0}}, "UPSTREAMS.billing.TIMEOUT"),
        ({"billing": {"URLS": ["http://a"], "RETRYS": 2}}, "UPSTREAMS.billing.RETRYS"),
        (["http://a"], "UPSTREAMS must be a dict"),
    ],
)
def test_a_bad_section_fails_when_the_app_is_built(section: Any, key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=key.replace(".", r"\.")):
        front_app(section)


async def test_clients_close_at_shutdown_and_reopen(members: list[str]) -> None:
    app = front_app({"billing": {"URLS": members}})
    async with TestClient(app) as client:
        await client.get("/members")
        shared = app.upstream("billing").client
        assert shared is app.upstream("billing").client
    assert shared.is_closed
    async with TestClient(app) as client:
        assert len((await client.get("/members")).json()) == 4


async def test_paths_must_be_relative_to_the_member() -> None:
    upstream = Upstreams(_Host({"x": {"URLS": ["http://127.0.0.1:9"]}})).get("x")
    for bad in ("http://evil.example/", "//evil.example/a", "relative"):
        with pytest.raises(ValueError, match="single '/'"):
            await upstream.get(bad)
    with pytest.raises(UpstreamUnavailable):
        await upstream.get("/")
    await upstream.aclose()
    assert UpstreamConfig(URLS=["http://a/"]).URLS == ["http://a"]


class _Host:
    def __init__(self, upstreams: dict[str, Any]) -> None:
        self.upstreams = upstreams
        self.closers: list[Any] = []

    def get_conf(self, config_name: str, default: Any = None) -> Any:
        return self.upstreams if config_name == "UPSTREAMS" else default

    def add_on_shutdown_method(self, func: Any) -> None:
        self.closers.append(func)


async def test_concurrent_calls_share_one_client(app: Surge) -> None:
    async with TestClient(app) as client:
        results = await asyncio.gather(*(client.get("/billing/whoami") for _ in range(10)))
    assert {r.status_code for r in results} == {200}
    assert {r.json()["member"] for r in results} == {"one", "two"}
