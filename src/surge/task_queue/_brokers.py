"""Build the taskiq broker and result backend that ``TASK_QUEUE`` names.

Each broker acks a job only after its result is saved (taskiq's ``WHEN_SAVED``), so a worker
killed mid-run leaves the job unacked and the broker hands it to another worker:
RabbitMQ as soon as the connection drops, NATS JetStream after ``REDELIVER_AFTER`` (ack wait),
Redis streams after ``REDELIVER_AFTER`` of idle time (``XAUTOCLAIM``). The Redis and NATS
listeners are upstream's with fixes (each class says which).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

from taskiq import AsyncBroker, AsyncResultBackend, InMemoryBroker
from taskiq.acks import AckableMessage

from surge.extension import require
from surge.task_queue.config import TaskQueueConfig, broker_kind

__all__ = ["build_broker", "build_result_backend"]

_EXTRA = "jobs"


def build_result_backend(config: TaskQueueConfig) -> AsyncResultBackend[Any] | None:
    """The result backend of a non-memory broker (None: results are not kept)."""
    url = config.result_backend_url()
    if url is None or url == "memory":
        return None
    backend = require("taskiq_redis", _EXTRA, "taskiq-redis")
    result: AsyncResultBackend[Any] = backend.RedisAsyncResultBackend(
        url, result_ex_time=config.RESULT_TTL, prefix_str=f"surge:result:{config.QUEUE_NAME}"
    )
    return result


def build_broker(config: TaskQueueConfig) -> AsyncBroker:
    """A taskiq broker for ``config.BROKER`` (not started)."""
    kind = broker_kind(config.BROKER)
    if kind == "memory":
        return InMemoryBroker(max_async_tasks=config.CONCURRENCY)
    if kind == "redis":
        broker: AsyncBroker = _redis_broker(config)
    elif kind == "amqp":
        broker = _amqp_broker(config)
    else:
        broker = _nats_broker(config)
    backend = build_result_backend(config)
    if backend is not None:
        broker = broker.with_result_backend(backend)
    return broker


def _redis_broker(config: TaskQueueConfig) -> AsyncBroker:
    redis_broker = require("taskiq_redis.redis_broker", _EXTRA, "taskiq-redis")
    redis_asyncio = require("redis.asyncio", _EXTRA, "redis")

    class ReclaimingStreamBroker(redis_broker.RedisStreamBroker):  # type: ignore[misc, name-defined]
        """taskiq-redis's stream broker, reclaiming a dead worker's jobs even when no new job comes.

        Upstream claims idle pending entries only after a read that returned new messages, so a
        job left by a killed worker waits until the next enqueue; this claims after every read.
        It also stops when its reader is cancelled even if redis-py swallowed the cancellation
        (seen under load: a blocking XREADGROUP then returns normally and the worker never stops).
        """

        async def listen(self) -> AsyncGenerator[AckableMessage, None]:
            async with redis_asyncio.Redis(connection_pool=self.connection_pool) as conn:
                while True:
                    _raise_if_cancelled()
                    fetched = await conn.xreadgroup(
                        self.consumer_group_name, self.consumer_name, {self.queue_name: ">"},
                        block=self.block, noack=False, count=self.count,
                    )
                    for stream, entries in fetched or ():
                        for entry_id, fields in entries:
                            yield AckableMessage(data=fields[b"data"], ack=self._ack_generator(id=entry_id, queue_name=stream))
                    _raise_if_cancelled()
                    claimed = await conn.xautoclaim(
                        self.queue_name, self.consumer_group_name, self.consumer_name,
                        min_idle_time=self.idle_timeout, count=self.unacknowledged_batch_size,
                    )
                    for entry_id, fields in claimed[1]:
                        if fields:  # an entry trimmed from the stream comes back empty
                            yield AckableMessage(data=fields[b"data"], ack=self._ack_generator(id=entry_id, queue_name=self.queue_name))

    broker: AsyncBroker = ReclaimingStreamBroker(
        config.BROKER,
        queue_name=f"surge:jobs:{config.QUEUE_NAME}",
        consumer_group_name=f"surge:{config.QUEUE_NAME}",
        consumer_id="0",  # a group created after jobs were enqueued still sees them
        idle_timeout=int(config.REDELIVER_AFTER * 1000),
        xread_block=1000,
        xread_count=config.CONCURRENCY + config.PREFETCH,
        # the reader holds one connection; each running job needs one to ack, each enqueue one to send
        max_connection_pool_size=2 * (config.CONCURRENCY + config.PREFETCH) + 50,
    )
    return broker


def _raise_if_cancelled() -> None:
    """Honour a cancellation of the current task that an awaited library call did not raise."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _amqp_broker(config: TaskQueueConfig) -> AsyncBroker:
    pika = require("taskiq_aio_pika", _EXTRA, "taskiq-aio-pika")
    name = f"surge.{config.QUEUE_NAME}"
    broker: AsyncBroker = pika.AioPikaBroker(
        config.BROKER,
        qos=config.CONCURRENCY + config.PREFETCH,
        exchange=pika.Exchange(name=name),
        task_queues=[pika.Queue(name=name)],
        dead_letter_queue=pika.Queue(name=f"{name}.dead_letter"),
    )
    return broker


def _nats_broker(config: TaskQueueConfig) -> AsyncBroker:
    nats = require("taskiq_nats", _EXTRA, "taskiq-nats")
    js_api = require("nats.js.api", _EXTRA, "nats-py")
    name = f"surge_{config.QUEUE_NAME}"

    class TolerantPullBroker(nats.PullBasedJetStreamBroker):  # type: ignore[misc, name-defined]
        """taskiq-nats's pull broker, surviving every fetch timeout.

        Upstream catches only ``nats.errors.TimeoutError``; nats-py also raises a plain
        ``TimeoutError`` when a fetch's deadline runs out between its two pull requests (seen
        under load), which ended the worker process with exit code 1.
        """

        async def listen(self) -> AsyncGenerator[AckableMessage, None]:
            while True:
                _raise_if_cancelled()
                try:
                    fetched = await self.consumer.fetch(batch=self.pull_consume_batch, timeout=self.pull_consume_timeout)
                except TimeoutError:  # nats.errors.TimeoutError is one too
                    continue
                for message in fetched:
                    yield AckableMessage(data=message.data, ack=message.ack)

    broker: AsyncBroker = TolerantPullBroker(
        config.BROKER,
        subject=f"surge.jobs.{config.QUEUE_NAME}",
        stream_name=name,
        durable=name,
        consumer_config=js_api.ConsumerConfig(
            durable_name=name, ack_wait=config.REDELIVER_AFTER, max_ack_pending=-1,
        ),
        pull_consume_batch=config.CONCURRENCY + config.PREFETCH,
        pull_consume_timeout=1.0,
    )
    return broker
