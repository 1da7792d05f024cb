"""A task asks for the app's providers as a handler does: by type, ``Depends``, ``FromConfig``.

App-scoped values are shared by every job; a request-scoped provider gives each job its own
value and is torn down when the job ends; planning happens once at startup, where a missing
provider or one that reads the request fails naming the task.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest

from conftest import broker_url, drop_queue
from surge import BaseConfig, Depends, Request, Surge
from surge.di import DependencyError, FromConfig, FromHeader, provider
from surge.task_queue import TaskQueue, current_job
from surge.testing import TestClient

from surge_testkit import REDIS_URL


class Pool:
    """Stands in for an engine: one per app, closed at shutdown."""

    def __init__(self) -> None:
        self.open = True
        self.rows: list[tuple[str, int]] = []


class UnitOfWork:
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.pending: list[tuple[str, int]] = []
        self.committed = False


class Clock:
    def __init__(self, offset: int) -> None:
        self.offset = offset


EVENTS: list[str] = []
POOLS: list[Pool] = []


@provider(scope="app")
async def pool() -> AsyncIterator[Pool]:
    made = Pool()
    POOLS.append(made)
    yield made
    made.open = False


async def unit_of_work(db: Pool) -> AsyncIterator[UnitOfWork]:
    uow = UnitOfWork(db)
    EVENTS.append("uow open")
    try:
        yield uow
    except Exception:
        EVENTS.append("uow rolled back")
        raise
    else:
        db.rows.extend(uow.pending)
        uow.committed = True
        EVENTS.append("uow committed")


def make_clock(offset: Annotated[int, FromConfig("CLOCK_OFFSET")]) -> Clock:
    return Clock(offset)


def build(broker: str = "memory", queue_name: str = "di-tests", **extra: Any) -> tuple[Surge, TaskQueue, dict[str, Any]]:
    queue = TaskQueue()
    tasks: dict[str, Any] = {}

    @queue.task
    async def save(n: int, uow: UnitOfWork, clock: Annotated[Clock, Depends(make_clock)], label: str = "x") -> int:
        uow.pending.append((f"{label}{current_job().attempt}", n + clock.offset))
        return n + clock.offset

    @queue.task
    async def explode(n: int, uow: UnitOfWork) -> None:
        raise ValueError(f"job {n} fails")

    @queue.task
    def sync_total(db: Pool) -> int:
        return sum(value for _, value in db.rows)

    tasks.update(save=save, explode=explode, sync_total=sync_total)
    section = {"BROKER": broker, "QUEUE_NAME": queue_name, **extra}
    configs = BaseConfig(DEBUG=False, CLOCK_OFFSET=100, TASK_QUEUE=section)  # type: ignore[call-arg]
    app = Surge(__name__, configs=configs)
    app.add_dependency(pool)
    app.add_dependency(unit_of_work)
    app.add_extension(queue)
    return app, queue, tasks


async def test_a_task_gets_app_and_per_job_providers() -> None:
    EVENTS.clear()
    POOLS.clear()
    app, queue, tasks = build()
    async with TestClient(app):
        first = await tasks["save"].enqueue(1)
        second = await tasks["save"].enqueue(2, label="y")
        assert await first.result(timeout=5) == 101
        assert await second.result(timeout=5) == 102
        failed = await tasks["explode"].enqueue(3)
        with pytest.raises(Exception, match="job 3 fails"):
            await failed.result(timeout=5)
        total = await tasks["sync_total"].enqueue()
        assert await total.result(timeout=5) == 203
        assert len(POOLS) == 1, "one app-scoped pool for every job"
        assert sorted(POOLS[0].rows) == [("x1", 101), ("y1", 102)]
    assert POOLS[0].open is False, "closed at shutdown"
    assert EVENTS.count("uow open") == 3, "a unit of work per job"
    assert EVENTS.count("uow committed") == 2
    assert EVENTS.count("uow rolled back") == 1


async def test_a_direct_call_takes_the_values_from_the_caller() -> None:
    app, _, tasks = build()
    async with TestClient(app):
        db = Pool()
        db.rows.append(("a", 5))
        assert tasks["sync_total"](db) == 5
    del app


def test_providers_are_planned_once_at_startup_not_per_job() -> None:
    calls: list[str] = []
    from surge.di.registry import DependencyRegistry

    original = DependencyRegistry.claim

    def counting(self: DependencyRegistry, name: str, annotation: Any, default: Any) -> Any:
        calls.append(name)
        return original(self, name, annotation, default)

    async def run() -> None:
        app, _, tasks = build()
        async with TestClient(app):
            planned = len(calls)
            jobs = [await tasks["save"].enqueue(i) for i in range(20)]
            await asyncio.gather(*(job.result(timeout=5) for job in jobs))
            assert len(calls) == planned, "no planning per job"
        assert planned > 0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DependencyRegistry, "claim", counting)
        asyncio.run(run())


async def test_a_missing_value_fails_at_startup_naming_the_task() -> None:
    app, queue, _ = build()

    @queue.task(name="send-mail")
    async def send(to: str, sender: Annotated[str, FromConfig("MAIL_SENDER")]) -> None: ...

    with pytest.raises(DependencyError, match=r"'MAIL_SENDER' is not set: task send-mail\(sender\)"):
        await app.startup()


class Needy:
    pass


def caller(req: Request, trace: Annotated[str, FromHeader("X-Trace")] = "") -> Needy:
    return Needy()


async def test_a_provider_that_reads_the_request_fails_at_startup() -> None:
    app, queue, _ = build()

    @queue.task(name="audit")
    async def audit(who: Annotated[Needy, Depends(caller)]) -> None: ...

    with pytest.raises(DependencyError, match=r"reads the request, which a job does not have: task audit"):
        await app.startup()


@pytest.mark.parametrize("kind", ["redis"])
async def test_an_in_process_worker_injects_providers(kind: str) -> None:
    url = broker_url(kind)
    name = f"di{uuid.uuid4().hex[:10]}"
    POOLS.clear()
    app, queue, tasks = build(url, name, RESULT_BACKEND=REDIS_URL)
    await app.startup()
    stop = asyncio.Event()
    worker = asyncio.create_task(queue.run_worker(stop=stop))
    await asyncio.sleep(0.3)  # the worker starts the broker before this process sends on it
    try:
        jobs = [await tasks["save"].enqueue(i) for i in range(10)]
        assert [await job.result(timeout=15) for job in jobs] == [100 + i for i in range(10)]
        assert len(POOLS[0].rows) == 10
    finally:
        stop.set()
        await asyncio.wait_for(worker, 10)
        await app.shutdown()
        await drop_queue(kind, url, name)


async def test_dependency_overrides_reach_tasks() -> None:
    app, _, tasks = build()

    def fixed_clock() -> Clock:
        return Clock(7)

    async with TestClient(app, dependency_overrides={make_clock: fixed_clock}):
        job = await tasks["save"].enqueue(1)
        assert await job.result(timeout=5) == 8
    async with TestClient(app):
        app.dependency_overrides.clear()
        job = await tasks["save"].enqueue(1)
        assert await job.result(timeout=5) == 101
