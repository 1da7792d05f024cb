"""Metrics under a real granian server with two worker processes sharing PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from surge_testkit import free_port, wait_until_up

APP = textwrap.dedent(
    """
    import os

    from surge import BaseConfig, Request, Response, Surge
    from surge.controller import Controller, get, path
    from surge.observability import Observability

    observability = Observability()


    @path("/api")
    class Api(Controller):
        @get("/items/<int:item_id>")
        async def item(self, req: Request, item_id: int) -> Response:
            return req.response.json({"pid": os.getpid(), "id": item_id})


    class Config(BaseConfig):
        DEBUG: bool = False
        EXTENSIONS: list[str] = ["workers_app:observability"]
        CONTROLLERS: list[str] = ["workers_app:Api"]
        OBSERVABILITY: dict[str, object] = {"METRICS": True}


    app = Surge(__name__, configs=Config())
    """
)


def counted(exposition: str) -> tuple[float, float]:
    """(requests of the items route, requests in flight) in a scrape."""
    total = in_flight = 0.0
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "surge_http_requests_total" and sample.labels["route"] == "/api/items/<int:item_id>":
                total += sample.value
            if sample.name == "surge_http_requests_in_flight":
                in_flight += sample.value
    return total, in_flight


def test_counts_add_up_across_two_granian_workers(tmp_path: Path) -> None:
    (tmp_path / "workers_app.py").write_text(APP)
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2", "--log-level", "warning", "workers_app:app"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/metrics", process)
        pids: set[int] = set()
        sent = 0
        while sent < 60 or (len(pids) < 2 and sent < 400):
            # a new connection per request, so the kernel spreads them over both workers
            res = httpx.get(f"{base}/api/items/{sent}", headers={"Connection": "close"}, timeout=5)
            assert res.status_code == 200
            pids.add(res.json()["pid"])
            sent += 1
        assert len(pids) == 2, "granian never used its second worker"
        for _ in range(6):  # whichever worker answers the scrape, it reports every worker's samples
            scrape = httpx.get(base + "/metrics", headers={"Connection": "close"}, timeout=5)
            assert counted(scrape.text) == (sent, 0)
        assert len(list(metrics_dir.glob("counter_*.db"))) == 2
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
