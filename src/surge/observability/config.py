"""The ``OBSERVABILITY`` config section: one switch per feature, every one off by default."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["ObservabilityConfig"]

_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")


class ObservabilityConfig(BaseModel):
    """Keys of the ``OBSERVABILITY`` section; an unknown key fails at startup."""

    model_config = ConfigDict(extra="forbid")

    HEALTH: bool = Field(False, description="Serve the liveness (HEALTH_PATH) and readiness (READY_PATH) probes")
    HEALTH_PATH: str = Field("/healthz", description="Liveness probe: 200 while the process serves")
    READY_PATH: str = Field("/readyz", description="Readiness probe: 200 when every extension's backend answers")
    READY_TIMEOUT: float = Field(2.0, gt=0, description="Longest wait for one backend's ping, in seconds")
    REQUEST_ID: bool = Field(False, description="Read or generate a request id; echo it, log it, put it in errors")
    REQUEST_ID_HEADER: str = Field("X-Request-ID", description="Header that carries the request id")
    METRICS: bool = Field(False, description="Prometheus metrics (needs the 'metrics' extra)")
    METRICS_PATH: str = Field("/metrics", description="Where Prometheus scrapes the metrics")
    TRACING: bool = Field(False, description="OpenTelemetry spans per request and per SQL query (needs 'otel')")

    @field_validator("HEALTH_PATH", "READY_PATH", "METRICS_PATH")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not value.startswith("/") or any(ch.isspace() for ch in value):
            raise ValueError(f"must be an absolute URL path such as '/healthz', got {value!r}")
        return value

    @field_validator("REQUEST_ID_HEADER")
    @classmethod
    def _header_name(cls, value: str) -> str:
        if not _HEADER_NAME.match(value):
            raise ValueError(f"must be an HTTP header name (letters, digits, '-'), got {value!r}")
        return value
