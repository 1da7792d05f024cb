"""Sessions and rate limits hold across two server processes (uvicorn and granian) sharing Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).resolve().parent




def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        cwd=HERE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait(timeout=5)


@pytest.fixture
def two_servers(redis_url: str) -> Iterator[tuple[str, str]]:
    """Base URLs of two processes of the same app: one under uvicorn, one under granian."""
    prefix = f"surge-test:{uuid.uuid4().hex}:"
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "SURGE_SHARED_REDIS_URL": redis_url,
        "SURGE_SHARED_PREFIX": prefix,
    }
    ports = free_port(), free_port()
    uvicorn = start(
        [sys.executable, "-m", "uvicorn", "surge_security_shared_app:app", "--host", "127.0.0.1",
         "--port", str(ports[0]), "--lifespan", "on", "--log-level", "warning"],
        env,
    )
    granian = start(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(ports[1]),
         "--workers", "1", "--log-level", "warning", "surge_security_shared_app:app"],
        env,
    )
    urls = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    try:
        wait_until_up(urls[0] + "/health", uvicorn)
        wait_until_up(urls[1] + "/health", granian)
        yield urls
    finally:
        stop(uvicorn)
        stop(granian)
        client = redis.Redis.from_url(redis_url)
        try:
            keys = list(client.scan_iter(match=prefix + "*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


def session_cookie(response: httpx.Response) -> str:
    """``session=<value>`` from Set-Cookie, to send as a Cookie header (the cookie is Secure, so
    httpx would not send it back over plain HTTP on its own)."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("session="):
            return header.split(";", 1)[0]
    raise AssertionError(f"no session cookie in {response.headers}")


def test_session_made_on_one_process_works_on_the_other(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    with httpx.Client(timeout=10) as client:
        login = client.post(first + "/login", data={"username": "ann", "password": "ann-password"})
        assert login.status_code == 200
        cookie = session_cookie(login)
        on_first = client.get(first + "/me", headers={"Cookie": cookie})
        on_second = client.get(second + "/me", headers={"Cookie": cookie})
        anonymous = client.get(second + "/me")
    assert on_first.json()["user"] == on_second.json()["user"] == "ann"
    assert on_first.json()["process"] != on_second.json()["process"]
    assert anonymous.status_code == 401


def test_rate_limit_counts_across_both_processes(two_servers: tuple[str, str]) -> None:
    first, second = two_servers
    with httpx.Client(timeout=10) as client:
        statuses = [client.post((first, second)[i % 2] + "/guess").status_code for i in range(6)]
        blocked_on_first = client.post(first + "/guess")
    assert statuses == [401, 401, 401, 401, 401, 429]  # 5 guesses in total, wherever they landed
    assert blocked_on_first.status_code == 429
    assert int(blocked_on_first.headers["retry-after"]) > 0
