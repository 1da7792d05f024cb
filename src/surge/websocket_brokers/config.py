"""The ``WEBSOCKETS`` config section: which broker carries pushes between processes."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from surge.exceptions.config import ImproperlyConfigured, config_problems

__all__ = ["BROKER_SCHEMES", "WebsocketsConfig", "load_websockets_config"]

BROKER_SCHEMES = ("redis", "rediss", "unix", "nats", "tls")
"""URL schemes ``WEBSOCKETS.BROKER`` accepts besides ``memory``."""


class WebsocketsConfig(BaseModel):
    """Keys of ``WEBSOCKETS = {...}``; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    BROKER: str = Field(
        "memory", description="memory (one process), redis://host:port/db or nats://host:port: shared by all processes"
    )
    CHANNEL: str = Field("surge:websockets", min_length=1, description="Pub/sub channel (NATS subject) of the pushes")
    RECONNECT_DELAY: float = Field(
        2.0, gt=0, le=60, description="Longest wait (seconds) between tries to reach a lost broker"
    )

    @field_validator("BROKER")
    @classmethod
    def _known_scheme(cls, broker: str) -> str:
        if broker == "memory":
            return broker
        scheme = urlsplit(broker).scheme
        if scheme not in BROKER_SCHEMES:
            raise ValueError(f"{broker!r}: expected 'memory', a redis:// (rediss://, unix://) URL or a nats:// URL")
        return broker


def load_websockets_config(raw: object) -> WebsocketsConfig:
    """Validate the ``WEBSOCKETS`` section (absent: every default).

    Raises:
        ImproperlyConfigured: a key is invalid; the message names ``WEBSOCKETS.KEY``.
    """
    if raw is None:
        return WebsocketsConfig()
    if isinstance(raw, BaseModel):
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"WEBSOCKETS must be a dict, got {type(raw).__name__}")
    try:
        return WebsocketsConfig.model_validate(raw)
    except ValidationError as exc:
        raise ImproperlyConfigured(f"Invalid configuration: {config_problems(exc, 'WEBSOCKETS')}") from None
