"""The app under real servers (granian and uvicorn) on 127.0.0.1."""

import os
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
