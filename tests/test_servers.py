"""The app under real servers (granian and uvicorn) on 127.0.0.1."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from surge_testkit import free_port, wait_until_up

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"


@pytest.mark.parametrize("server", ["granian", "uvicorn"])
def test_demo_app_under_real_server(server: str) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, str(DEMO / "run.py"), "--server", server, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/api/notes", process)
        with httpx.Client(base_url=base, timeout=5) as client:
            res = client.post("/api/notes", json={"title": "real server"})
            assert res.status_code == 201
            assert res.json()["title"] == "real server"
            res = client.get("/api/notes")
            assert res.json()[-1]["title"] == "real server"
            assert "x-process-time-ms" in res.headers
            assert client.get("/").headers["content-type"].startswith("text/html")
            assert client.get("/static/style.css").status_code == 200
            assert client.post("/api/notes", json={}).status_code == 422
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)


def _conversation(port: int, raw: bytes) -> bytes:
    """Everything the server sends back for ``raw`` until it closes or goes quiet for 2 seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(raw)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except TimeoutError:
            pass
    return data


@pytest.mark.parametrize("server", ["granian", "uvicorn"])
def test_a_request_smuggled_behind_both_framings_is_never_answered(server: str) -> None:
    """Content-Length and Transfer-Encoding together (CL.TE): a proxy that reads the
    Content-Length forwards one request; a server that reads the chunks would find a second one
    behind it. uvicorn (h11) passes both headers on, so Surge refuses the body with 400 and
    closes; granian drops Content-Length and closes after its answer."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(DEMO / "run.py"), "--server", server, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    smuggled = b"0\r\n\r\nGET /api/notes/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    head = (
        "POST /api/notes/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(smuggled)}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/notes", process)
        answer = _conversation(port, head.encode() + smuggled)
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
    assert answer.count(b"HTTP/1.1 ") == 1, answer
    assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 422")), answer[:300]
    if server == "uvicorn":
        assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
        assert b"Content-Length and Transfer-Encoding together are not accepted" in answer
