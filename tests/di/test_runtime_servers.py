"""Request-scoped controller attributes under real servers: 100 concurrent HTTP requests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).resolve().parent

COMMANDS = {
    "uvicorn": ["-m", "uvicorn", "di_server_app:app", "--host", "127.0.0.1", "--log-level", "warning", "--port"],
    "granian": ["-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--log-level", "warning", "di_server_app:app", "--port"],
}




async def hundred_requests(base: str) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=base, timeout=20, limits=limits) as client:
        return await asyncio.gather(*(client.get("/who", params={"name": f"n{i}"}) for i in range(100)))


@pytest.mark.parametrize("server", sorted(COMMANDS))
def test_hundred_concurrent_requests_under_a_real_server(server: str) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *COMMANDS[server], str(port)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/who", process)
        responses = asyncio.run(hundred_requests(base))
        for i, response in enumerate(responses):
            assert response.status_code == 200
            assert response.json() == {"first": f"n{i}", "then": f"n{i}", "audit": f"n{i}"}
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
