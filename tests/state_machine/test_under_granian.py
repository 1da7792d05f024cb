"""Concurrent transitions through a real granian server with two worker processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx

from sql_targets import SqlTarget
from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).resolve().parent
TABLES = """
CREATE TABLE sm_orders (id INTEGER PRIMARY KEY, state VARCHAR(20) NOT NULL, note VARCHAR(100) NOT NULL);
INSERT INTO sm_orders (id, state, note) VALUES (1, 'pending', ''), (2, 'pending', '');
"""


async def _race(base: str, order_id: int) -> Counter[int]:
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        body = {"step": "PAY", "data": {"id": order_id}}
        answers = await asyncio.gather(*(client.post("/api/v1/state-machine/transition", json=body) for _ in range(20)))
    return Counter(res.status_code for res in answers)


def test_of_20_concurrent_requests_to_two_workers_one_wins(sql_target: SqlTarget) -> None:
    sql_target.execute_now(TABLES)  # the history table: both workers create it at startup, at once
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parents[1] / "src")]),
        "SM_DATABASE_URI": sql_target.uri,
        "SM_ENGINE_OPTIONS": json.dumps(sql_target.engine_options),
    }
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--workers", "2"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--working-dir", str(HERE), "granian_orders:create_app"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        first = asyncio.run(_race(base, 1))
        second = asyncio.run(_race(base, 2))
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
    assert first == {200: 1, 409: 19}
    assert second == {200: 1, 409: 19}
    assert asyncio.run(sql_target.fetch("SELECT id, state, note FROM sm_orders ORDER BY id")) == [
        (1, "paid", "paid by request"),
        (2, "paid", "paid by request"),
    ]
    history = asyncio.run(sql_target.fetch("SELECT entity_id, step FROM state_machine_transitions ORDER BY id"))
    assert history == [("1", "PAY"), ("2", "PAY")]
