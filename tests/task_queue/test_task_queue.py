"""TaskQueue in one process (memory broker): enqueue from a handler, status, retries, dead letters."""

from __future__ import annotations

import asyncio
from typing import Any

import jobs_app
import pytest

from conftest import PG_DSN, Tables
from surge.exceptions import ImproperlyConfigured
from surge.task_queue import JobFailed, TaskQueueError, current_job
from surge.testing import TestClient


def make_app(tables: Tables, monkeypatch: pytest.MonkeyPatch, **queue: Any) -> Any:
    monkeypatch.setenv("JOBS_TABLE", tables.name)
    section = {"BROKER": "memory", "QUEUE_NAME": "memory-tests", **queue}
    return jobs_app.Application(
        configs=jobs_app.Config(
            TASK_QUEUE=section, SQL_DATABASE={"DATABASE_URI": PG_DSN.replace("postgresql://", "postgresql+asyncpg://")}
        )
    )


async def wait_for(check: Any, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_handler_enqueues_and_the_job_writes_its_row(tables: Tables, monkeypatch: pytest.MonkeyPatch) -> None:
    async with TestClient(make_app(tables, monkeypatch)) as client:
        res = await client.post("/jobs/record/7")
        assert res.status_code == 202
        job_id = res.json()["id"]
        await wait_for(lambda: _status_is(client, job_id, "succeeded"))
        assert await jobs_app.queue.job(job_id).result(timeout=1) == 7
    assert [tuple(r) for r in await tables.fetch("SELECT n, job_id FROM {t}_done")] == [(7, job_id)]


async def _status_is(client: Any, job_id: str, expected: str) -> bool:
    res = await client.get(f"/jobs/{job_id}")
    assert res.status_code == 200
    return bool(res.json()["status"] == expected)


async def test_a_job_that_fails_twice_then_succeeds_runs_three_times(tables: Tables, monkeypatch: pytest.MonkeyPatch) -> None:
    async with TestClient(make_app(tables, monkeypatch)) as client:
        job = await jobs_app.flaky.enqueue(1)
        assert await job.result(timeout=10) == "done on attempt 3"
        assert await job.status() == "succeeded"
        assert await jobs_app.queue.dead_letter_list() == []
        del client
    rows = await tables.fetch("SELECT attempt FROM {t}_attempts WHERE n = 1 ORDER BY attempt")
    assert [r[0] for r in rows] == [1, 2, 3]


async def test_a_job_that_always_fails_is_dead_lettered_and_logged(
    tables: Tables, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tables, monkeypatch)
    logged: list[str] = []
    sink = app.logger.add(lambda message: logged.append(str(message)), level="ERROR")
    async with TestClient(app):
        job = await jobs_app.always_fails.kiq(5)
        with pytest.raises(JobFailed, match="ValueError: job 5 always fails"):
            await job.result(timeout=10)
        assert await job.status() == "failed"
        letters = await jobs_app.queue.dead_letter_list()
    app.logger.remove(sink)
    assert [(d.job_id, d.args, d.attempts, d.error) for d in letters] == [(job.id, [5], 3, "ValueError: job 5 always fails")]
    assert any(job.id in line and "dead-lettered" in line for line in logged)


async def test_a_job_past_its_timeout_fails(tables: Tables, monkeypatch: pytest.MonkeyPatch) -> None:
    async with TestClient(make_app(tables, monkeypatch)):
        job = await jobs_app.too_slow.enqueue()
        with pytest.raises(JobFailed):
            await job.result(timeout=5)


def test_current_job_outside_a_job_raises() -> None:
    with pytest.raises(LookupError):
        current_job()


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"BROKER": "kafka://x"}, "TASK_QUEUE.BROKER"),
        ({"BROKER": "redis://127.0.0.1:6379", "RESULT_BACKEND": "memory"}, "RESULT_BACKEND"),
        ({"RESULT_BACKEND": "sqlite:///x"}, "TASK_QUEUE.RESULT_BACKEND"),
        ({"RETRIES": -1}, "TASK_QUEUE.RETRIES"),
        ({"QUEUE_NAME": "a b"}, "TASK_QUEUE.QUEUE_NAME"),
        ({"BROKR": "memory"}, "TASK_QUEUE.BROKR"),
    ],
)
def test_misconfiguration_fails_at_startup_naming_the_key(section: dict[str, Any], key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=key.replace(".", r"\.")):
        jobs_app.Application(configs=jobs_app.Config(TASK_QUEUE=section))


async def test_no_result_backend_says_which_key_to_set(tables: Tables, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(tables, monkeypatch, BROKER="amqp://guest:guest@127.0.0.1:1/")
    with pytest.raises(TaskQueueError, match=r"TASK_QUEUE\.RESULT_BACKEND"):
        await jobs_app.queue.job("x").status()
    del app


async def test_a_broker_that_is_down_answers_503_with_retry_after(tables: Tables, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(tables, monkeypatch, BROKER="redis://127.0.0.1:1/0", UNAVAILABLE_RETRY_AFTER=7)
    async with TestClient(app) as client:
        res = await client.post("/jobs/record/1")
    assert res.status_code == 503
    assert res.headers["Retry-After"] == "7"
    assert res.json()["status"] == "error"


def test_surge_worker_refuses_an_app_without_a_task_queue(tmp_path: Any) -> None:
    import subprocess
    import sys

    (tmp_path / "plain_app.py").write_text(
        "from surge import BaseConfig, Surge, app\n\n"
        "class Config(BaseConfig):\n    DEBUG: bool = False\n\n"
        "@app(__name__, configs=Config)\nclass Application(Surge):\n    pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "surge", "worker", "plain_app:Application"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "the app has no task queue (list a TaskQueue in EXTENSIONS)" in done.stderr


async def test_a_worker_of_the_memory_broker_says_to_set_a_broker(tables: Tables, monkeypatch: pytest.MonkeyPatch) -> None:
    make_app(tables, monkeypatch)
    with pytest.raises(TaskQueueError, match=r"TASK_QUEUE\.BROKER is 'memory'"):
        await jobs_app.queue.run_worker()
