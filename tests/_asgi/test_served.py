"""Reliability under a real granian server: errors before the first byte, control characters, slow bodies."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("served")
    (root / "static").mkdir()
    (root / "static" / "style.css").write_text("body{}")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "SURGE_TEST_STATIC_BASE": str(root),
        "SURGE_TEST_BODY_TIMEOUT": "1",
    }
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    command += ["--working-dir", str(HERE), "--factory", "--log-level", "warning", "served_app:create_app"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/items/x", process)
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)


@pytest.mark.parametrize("url", ["/huge-int", "/opaque"])
def test_unencodable_body_is_the_error_shape_under_granian(base_url: str, url: str) -> None:
    res = httpx.get(base_url + url, timeout=5)
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}
    assert res.headers["x-content-type-options"] == "nosniff"


def _raw_request(base_url: str, target: str, body: bytes = b"", *, wait: float = 5) -> bytes:
    """Send ``target`` byte for byte (httpx would normalise it) and return the raw answer."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode() + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "target",
    [
        "/static/style.css%00",
        "/static/style.css%00.png",
        "/static/%0a",
        "/items/a%00b",
        "/items/%0d%0a",
        "/items/%7f",
    ],
)
def test_control_characters_in_the_path_are_404_under_granian(base_url: str, target: str) -> None:
    answer = _raw_request(base_url, target)
    assert answer.startswith(b"HTTP/1.1 404"), answer[:200]
    assert b'"status":"error"' in answer


def test_the_static_file_itself_is_served(base_url: str) -> None:
    assert httpx.get(base_url + "/static/style.css", timeout=5).text == "body{}"


def test_a_body_that_stops_arriving_is_408_under_granian(base_url: str) -> None:
    host, port = base_url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"
        sock.sendall(head.encode() + b"only ten b")  # 90 bytes never come
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"Request body not received in time" in answer
    assert 0.8 < time.monotonic() - started < 8


def test_a_complete_body_is_answered_under_granian(base_url: str) -> None:
    res = httpx.post(base_url + "/echo", content=b"x" * 1000, timeout=5)
    assert (res.status_code, res.json()) == (200, {"size": 1000})
