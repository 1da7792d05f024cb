"""The ``TASK_QUEUE`` config section, validated once at startup (a bad key fails naming it)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["BROKER_SCHEMES", "BrokerKind", "TaskQueueConfig", "broker_kind"]

BROKER_SCHEMES = {"redis": "redis", "rediss": "redis", "amqp": "amqp", "amqps": "amqp", "nats": "nats", "tls": "nats"}
"""URL scheme -> broker kind (``memory`` is the in-process broker for tests)."""

BrokerKind = Literal["memory", "redis", "amqp", "nats"]


def broker_kind(url: str) -> BrokerKind:
    """``memory``, ``redis``, ``amqp`` or ``nats`` for a ``BROKER`` value (already validated)."""
    if url == "memory":
        return "memory"
    kind = BROKER_SCHEMES[url.split("://", 1)[0].lower()]
    if kind == "redis":
        return "redis"
    return "amqp" if kind == "amqp" else "nats"


class TaskQueueConfig(BaseModel):
    """Keys of the ``TASK_QUEUE`` section."""

    model_config = ConfigDict(extra="forbid")

    BROKER: str = Field(
        "memory",
        description="'memory' (in-process, for tests), 'redis://host:port/db', 'amqp://user:pass@host:port/' or 'nats://host:port'",
    )
    RESULT_BACKEND: str | None = Field(
        None,
        description="Where results, status and dead letters live: 'memory' (memory broker only) or 'redis://...'; "
        "None: the broker's URL when it is Redis, the process's memory with the memory broker, else no results",
    )
    QUEUE_NAME: str = Field(
        "surge",
        pattern=r"^[A-Za-z0-9_-]{1,100}$",
        description="Redis stream key, RabbitMQ queue, NATS stream/subject/consumer: one name per queue",
    )
    RETRIES: int = Field(0, ge=0, description="Default retries of a task after its first failed run")
    RETRY_DELAY: float = Field(1.0, ge=0, description="Default seconds between a failed run and its retry")
    TIMEOUT: float | None = Field(None, gt=0, description="Default seconds a run may take before it fails (None: no limit)")
    CONCURRENCY: int = Field(10, ge=1, description="Jobs one worker process runs at once")
    PREFETCH: int = Field(0, ge=0, description="Jobs a worker takes from the broker beyond CONCURRENCY")
    REDELIVER_AFTER: float = Field(
        60.0,
        gt=0,
        description="Seconds after which a job taken by a worker that died (no ack) goes to another worker "
        "(Redis: stream idle time; NATS: ack wait; RabbitMQ redelivers as soon as the connection drops)",
    )
    SHUTDOWN_TIMEOUT: float = Field(
        30.0, gt=0, description="Seconds a worker given SIGTERM waits for running jobs; unfinished ones go back to the broker"
    )
    RESULT_TTL: int = Field(86400, ge=1, description="Seconds results and status are kept (Redis result backend)")
    DEAD_LETTER_LIMIT: int = Field(10000, ge=1, description="Most recent dead letters kept")
    UNAVAILABLE_RETRY_AFTER: int = Field(5, ge=0, description="Retry-After seconds of the 503 answered when the broker is down")

    @field_validator("BROKER")
    @classmethod
    def _known_broker(cls, value: str) -> str:
        if value == "memory":
            return value
        scheme, sep, rest = value.partition("://")
        if not sep or scheme.lower() not in BROKER_SCHEMES or not rest:
            raise ValueError("must be 'memory' or a URL starting with redis://, rediss://, amqp://, amqps:// or nats://")
        return value

    @field_validator("RESULT_BACKEND")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value is None or value == "memory" or value.split("://", 1)[0].lower() in ("redis", "rediss"):
            return value
        raise ValueError("must be 'memory' or a URL starting with redis:// or rediss://")

    @model_validator(mode="after")
    def _memory_backend_needs_memory_broker(self) -> TaskQueueConfig:
        if self.RESULT_BACKEND == "memory" and self.BROKER != "memory":
            raise ValueError("RESULT_BACKEND: 'memory' works only with BROKER 'memory' (workers are other processes)")
        return self

    def result_backend_url(self) -> str | None:
        """The result backend in use: ``memory``, a Redis URL, or None (no results kept)."""
        if self.RESULT_BACKEND is not None:
            return self.RESULT_BACKEND
        kind = broker_kind(self.BROKER)
        if kind == "memory":
            return "memory"
        return self.BROKER if kind == "redis" else None
