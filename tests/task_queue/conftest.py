"""Fixtures of the task queue tests: PostgreSQL tables per test, broker URLs, cleanup."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)

from surge_testkit import POSTGRES_URL, REDIS_URL, require_service  # noqa: E402

PG_DSN = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
BROKERS = {
    "redis": (REDIS_URL, 6379),
    "amqp": (os.environ.get("SURGE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"), 5672),
    "nats": (os.environ.get("SURGE_TEST_NATS_URL", "nats://127.0.0.1:4222"), 4222),
}


@dataclass
class Tables:
    """The PostgreSQL tables one test's jobs write to."""

    name: str

    async def fetch(self, sql: str) -> list[Any]:
        conn = await asyncpg.connect(PG_DSN)
        try:
            return list(await conn.fetch(sql.replace("{t}", self.name)))
        finally:
            await conn.close()

    async def count(self, suffix: str, where: str = "true") -> int:
        rows = await self.fetch(f"SELECT count(*) FROM {{t}}_{suffix} WHERE {where}")
        return int(rows[0][0])


@pytest.fixture
async def tables() -> AsyncIterator[Tables]:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    name = f"tq_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_DSN)
    await conn.execute(
        f"CREATE TABLE {name}_done (n int PRIMARY KEY, job_id text NOT NULL);"
        f"CREATE TABLE {name}_runs (n int NOT NULL, job_id text NOT NULL, pid int NOT NULL);"
        f"CREATE TABLE {name}_attempts (n int NOT NULL, attempt int NOT NULL);"
    )
    try:
        yield Tables(name)
    finally:
        await conn.execute(f"DROP TABLE IF EXISTS {name}_done, {name}_runs, {name}_attempts")
        await conn.close()


async def drop_queue(kind: str, url: str, queue_name: str) -> None:
    """Remove what one test's queue left on the broker (stream, queues, JetStream stream)."""
    if kind == "redis":
        import redis.asyncio as redis

        client = redis.Redis.from_url(url)
        keys = [key async for key in client.scan_iter(f"surge:*{queue_name}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()
    elif kind == "amqp":
        import aio_pika

        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel()
            for name in (f"surge.{queue_name}", f"surge.{queue_name}.dead_letter"):
                await channel.queue_delete(name)
            await channel.exchange_delete(f"surge.{queue_name}")
    elif kind == "nats":
        import nats

        client = await nats.connect(url)
        try:
            await client.jetstream().delete_stream(f"surge_{queue_name}")
        except Exception:  # noqa: BLE001 - already gone
            pass
        await client.close()


@pytest.fixture
def job_env(tables: Tables) -> Iterator[dict[str, str]]:
    """Environment of the jobs_app processes of one test."""
    env = dict(os.environ)
    env.update(
        JOBS_TABLE=tables.name,
        JOBS_QUEUE=f"q{uuid.uuid4().hex[:10]}",
        JOBS_DB=POSTGRES_URL,
        PYTHONPATH=os.pathsep.join([HERE, os.path.dirname(HERE), env.get("PYTHONPATH", "")]),
    )
    yield env


def broker_url(kind: str) -> str:
    url, port = BROKERS[kind]
    require_service({"redis": "Redis", "amqp": "RabbitMQ", "nats": "NATS"}[kind], "127.0.0.1", port)
    return url


__all__ = ["BROKERS", "Tables", "asyncio", "broker_url", "drop_queue"]
