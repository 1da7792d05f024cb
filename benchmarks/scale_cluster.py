"""Start ``surge run --workers N`` on the scale-out test app (tests/scale/surge_scale_app.py).

Shared by benchmarks/ws_broadcast.py and benchmarks/redis_outage.py: every piece of the app's
state (sessions, CSRF, rate limits, cache, websocket fan-out) lives in the Redis at ``redis_url``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "tests" / "scale"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def cluster(redis_url: str, workers: int = 4) -> Iterator[str]:
    """The base URL of the running cluster; stopped (and its Redis keys left to expire) on exit."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(APP_DIR), os.environ.get("PYTHONPATH", "")]),
        "SURGE_SCALE_REDIS_URL": redis_url,
        "SURGE_SCALE_PREFIX": f"surge-bench:{uuid.uuid4().hex}:",
    }
    command = [sys.executable, "-m", "surge.cli.main", "run", "surge_scale_app:create_app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--no-reload"]
    process = subprocess.Popen(
        command, cwd=APP_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/health", timeout=0.5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the cluster did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
