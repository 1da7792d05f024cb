"""Jobs on the real brokers (Redis, RabbitMQ, NATS), 4 web processes and 2 worker processes.

Every job writes its number to PostgreSQL under a unique constraint and logs each committed run:
all jobs land, none runs twice; a worker killed with SIGKILL loses nothing; SIGTERM finishes or
requeues. ``SURGE_JOBS_COUNT`` sets the number of jobs per broker (default 200; the issue's
proof is 1000).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Any

import pytest

from conftest import Tables, broker_url, drop_queue
from surge.task_queue import JobFailed

from surge_testkit import REDIS_URL

pytestmark = pytest.mark.slow

JOBS = int(os.environ.get("SURGE_JOBS_COUNT", "200"))
KINDS = ["redis", "amqp", "nats"]


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A ``surge worker`` process; its log is drained by a thread (``worker.ready`` is set once it takes jobs)."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "surge", "worker", "jobs_app:Application"], env=env, cwd=os.path.dirname(__file__),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    ready = threading.Event()
    log: deque[str] = deque(maxlen=40)

    def drain() -> None:
        assert worker.stderr is not None
        for line in worker.stderr:
            log.append(line.decode(errors="replace"))
            if b"surge worker: taking jobs" in line:
                ready.set()

    threading.Thread(target=drain, daemon=True).start()
    worker.ready = ready  # type: ignore[attr-defined]
    worker.log = log  # type: ignore[attr-defined]
    return worker


async def wait_ready(*workers: subprocess.Popen[bytes], timeout: float = 60) -> None:  # noqa: ASYNC109
    """Wait until every worker has started taking jobs (so each gets a share of what follows)."""
    for worker in workers:
        started = await asyncio.to_thread(worker.ready.wait, timeout)  # type: ignore[attr-defined]
        assert started, f"worker {worker.pid} did not start (exit code {worker.poll()})"


def enqueue(env: dict[str, str], start: int, stop: int, hold: float = 0.0) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "enqueue_some.py", str(start), str(stop), str(hold)], env=env, cwd=os.path.dirname(__file__)
    )


async def wait_count(tables: Tables, suffix: str, at_least: int, timeout: float) -> int:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while True:
        count = await tables.count(suffix)
        if count >= at_least or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.1)


def stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if worker.poll() is None:
        worker.send_signal(sig)
    try:
        return worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        raise


@pytest.fixture(params=KINDS)
async def broker_env(request: pytest.FixtureRequest, job_env: dict[str, str]) -> Any:
    kind = request.param
    url = broker_url(kind)
    job_env.update(JOBS_BROKER=url, JOBS_RESULT_BACKEND=REDIS_URL if kind != "redis" else "")
    if kind != "redis":
        broker_url("redis")  # the result backend
    yield job_env
    await drop_queue(kind, url, job_env["JOBS_QUEUE"])
    await drop_queue("redis", REDIS_URL, job_env["JOBS_QUEUE"])


def in_process_app(env: dict[str, str]) -> Any:
    import jobs_app

    os.environ["JOBS_TABLE"] = env["JOBS_TABLE"]
    section = {
        "BROKER": env["JOBS_BROKER"], "RESULT_BACKEND": env["JOBS_RESULT_BACKEND"] or None, "QUEUE_NAME": env["JOBS_QUEUE"],
    }
    return jobs_app.Application(configs=jobs_app.Config(TASK_QUEUE=section, SQL_DATABASE={"DATABASE_URI": env["JOBS_DB"]}))


async def test_jobs_from_4_web_processes_run_once_on_2_workers(broker_env: dict[str, str], tables: Tables) -> None:
    import jobs_app

    quarter = JOBS // 4
    webs = [enqueue(broker_env, i * quarter, JOBS if i == 3 else (i + 1) * quarter) for i in range(4)]
    workers = [start_worker(broker_env) for _ in range(2)]
    try:
        # Both workers start while jobs pile up, so each takes a share: a lone ready worker with
        # an empty queue can take every job as it comes (NATS pull requests do not alternate).
        await wait_ready(*workers)
        assert [web.wait(timeout=60) for web in webs] == [0, 0, 0, 0]
        assert await wait_count(tables, "done", JOBS, timeout=60) == JOBS
        await asyncio.sleep(0.3)
        assert await tables.count("runs") == JOBS  # none ran twice
        pids = await tables.fetch("SELECT DISTINCT pid FROM {t}_runs")
        assert len(pids) == 2, "both workers ran jobs"

        app = in_process_app(broker_env)
        await app.startup()
        try:
            flaky = await jobs_app.flaky.enqueue(1)
            doomed = await jobs_app.always_fails.enqueue(2)
            assert await flaky.result(timeout=20) == "done on attempt 3"
            with pytest.raises(JobFailed, match="always fails"):
                await doomed.result(timeout=20)
            assert await doomed.status() == "failed"
            letters = await jobs_app.queue.dead_letter_list()
            assert [(d.job_id, d.attempts) for d in letters] == [(doomed.id, 3)]
        finally:
            await app.shutdown()
        attempts = await tables.fetch("SELECT attempt FROM {t}_attempts WHERE n = 1 ORDER BY attempt")
        assert [r[0] for r in attempts] == [1, 2, 3]
    finally:
        codes = [stop(worker) for worker in workers]
    assert codes == [0, 0], "".join(line for worker in workers for line in worker.log)  # type: ignore[attr-defined]


async def test_a_worker_killed_mid_run_loses_no_job(broker_env: dict[str, str], tables: Tables) -> None:
    count = 100
    assert enqueue(broker_env, 0, count, hold=0.5).wait(timeout=60) == 0
    first = start_worker(broker_env)
    second = None
    try:
        assert await wait_count(tables, "done", 5, timeout=30) >= 5  # the worker is mid-run
        first.kill()  # SIGKILL: no chance to ack or requeue
        first.wait(timeout=10)
        taken = await tables.count("done")
        assert taken < count
        second = start_worker(broker_env)
        assert await wait_count(tables, "done", count, timeout=60) == count
        rows = await tables.fetch("SELECT count(DISTINCT n), count(*) FROM {t}_done")
        assert tuple(rows[0]) == (count, count)  # each job landed exactly once
    finally:
        if first.poll() is None:
            first.kill()
        if second is not None:
            stop(second)


async def test_sigterm_finishes_or_requeues_every_job(broker_env: dict[str, str], tables: Tables) -> None:
    count = 60
    assert enqueue(broker_env, 0, count, hold=0.5).wait(timeout=60) == 0
    first = start_worker(broker_env)
    second = None
    try:
        assert await wait_count(tables, "runs", 1, timeout=30) >= 1  # the worker is mid-run
        assert stop(first, signal.SIGTERM) == 0
        second = start_worker(broker_env)
        assert await wait_count(tables, "done", count, timeout=60) == count
        await asyncio.sleep(0.5)
        assert await tables.count("runs") == count  # the stopped worker finished what it ran; none ran twice
    finally:
        if second is not None:
            stop(second)
