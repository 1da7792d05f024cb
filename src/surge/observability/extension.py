"""``Observability``: health probes, request ids, Prometheus metrics and OpenTelemetry tracing.

One extension, one ``OBSERVABILITY`` section, one switch per feature (all off by default):
an app turns on what its platform uses, and an app that turns nothing on gets no middleware,
so its request path is the same as without the extension.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from surge.exceptions.config import ImproperlyConfigured
from surge.extension import BaseExtension, extensions_of, require
from surge.middleware.base import MiddlewareBase
from surge.observability.config import ObservabilityConfig
from surge.observability.health import Endpoint, ProbeEndpoints, Readiness, liveness
from surge.observability.request_id import RequestIdMiddleware, install_log_patcher
from surge.roles import MiddlewareProvider

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider
    from sqlalchemy.ext.asyncio import AsyncEngine

    from surge.app import Surge
    from surge.observability.metrics import HttpMetrics
    from surge.observability.tracing import SqlTracing

__all__ = ["Observability"]


def _sql_engines(app: Surge) -> list[tuple[str, AsyncEngine]]:
    """``(section name, engine)`` of each SqlDatabase of ``app``."""
    if "surge.database.sql" not in sys.modules:  # no SqlDatabase exists without its module loaded
        return []
    from surge.database.sql import SqlDatabase

    return [(db.configs_name.lower(), db.engine) for db in extensions_of(app, SqlDatabase)]


class Observability(BaseExtension[ObservabilityConfig], MiddlewareProvider):
    """Reads ``OBSERVABILITY = {"HEALTH": True, "REQUEST_ID": True, "METRICS": True, "TRACING": True}``.

    List it first in ``EXTENSIONS``: its middleware is then the outermost, so request ids,
    metrics and spans cover the other extensions' middleware too (tracing requires it).

    Args:
        configs_name: the config section (default ``OBSERVABILITY``).
        tracer_provider: the OpenTelemetry provider for the spans (default: the global one).
    """

    config_model = ObservabilityConfig

    def __init__(self, configs_name: str | None = None, *, tracer_provider: TracerProvider | None = None) -> None:
        super().__init__(configs_name)
        self.tracer_provider = tracer_provider
        self._middleware: list[MiddlewareBase] = []
        self._readiness: Readiness | None = None
        self._metrics: HttpMetrics | None = None
        self._sql_tracing: SqlTracing | None = None

    def configure(self, app: Surge, config: ObservabilityConfig) -> None:
        """Build the middleware of the features turned on (outermost first).

        Raises:
            ImproperlyConfigured: two endpoints share a path, or TRACING is on while another
                extension's middleware is listed before this one.
            MissingDependency: METRICS or TRACING without its extra installed.
        """
        self.config = config
        self._middleware = []
        if config.TRACING:
            self._middleware.append(self._tracing_middleware(app))
        if config.REQUEST_ID:
            install_log_patcher()
            self._middleware.append(RequestIdMiddleware(app, config.REQUEST_ID_HEADER))
        endpoints = self._endpoints(app, config)
        if endpoints:
            self._middleware.append(ProbeEndpoints(app, endpoints))
        if self._metrics is not None:
            from surge.observability.metrics import MetricsMiddleware

            self._middleware.append(MetricsMiddleware(app, self._metrics))

    def _endpoints(self, app: Surge, config: ObservabilityConfig) -> dict[str, Endpoint]:
        section = self.configs_name
        wanted: list[tuple[str, str, Endpoint]] = []
        if config.HEALTH:
            self._readiness = Readiness(app, config.READY_TIMEOUT)
            wanted += [("HEALTH_PATH", config.HEALTH_PATH, liveness), ("READY_PATH", config.READY_PATH, self._readiness)]
        if config.METRICS:
            require("prometheus_client", "metrics", "prometheus-client")
            from surge.observability.metrics import HttpMetrics

            self._metrics = HttpMetrics()
            wanted.append(("METRICS_PATH", config.METRICS_PATH, self._metrics.endpoint))
        endpoints: dict[str, Endpoint] = {}
        owners: dict[str, str] = {}
        for key, path, endpoint in wanted:
            if path in endpoints:
                raise ImproperlyConfigured(f"{section}.{key}: {path!r} is already {section}.{owners[path]}")
            endpoints[path] = endpoint
            owners[path] = key
        return endpoints

    def _tracing_middleware(self, app: Surge) -> MiddlewareBase:
        outer = [ext for ext in dict.fromkeys(app.extensions.values()) if isinstance(ext, MiddlewareProvider) and ext is not self]
        if outer:
            names = ", ".join(type(ext).__name__ for ext in outer)
            raise ImproperlyConfigured(
                f"{self.configs_name}.TRACING: list {type(self).__name__} before {names} in EXTENSIONS "
                "(spans must wrap every middleware: the response is sent inside the span)"
            )
        require("opentelemetry.instrumentation.asgi", "otel", "opentelemetry-instrumentation-asgi")
        require("opentelemetry.instrumentation.sqlalchemy", "otel", "opentelemetry-instrumentation-sqlalchemy")
        from surge.observability.tracing import SqlTracing, TracingMiddleware

        self._sql_tracing = SqlTracing(self.tracer_provider)
        return TracingMiddleware(app, self.tracer_provider)

    def middleware(self) -> Sequence[MiddlewareBase]:
        """The middleware of the features turned on (none when all are off)."""
        return list(self._middleware)

    async def startup(self) -> None:
        """Find the readiness probes and the SQL engines, now that every extension is configured."""
        if self._readiness is not None:
            self._readiness.collect()
        if self._metrics is None and self._sql_tracing is None:
            return
        for name, engine in _sql_engines(self.app):
            if self._metrics is not None:
                self._metrics.watch_pool(name, engine)
            if self._sql_tracing is not None:
                self._sql_tracing.trace_engine(engine)

    @property
    def metrics(self) -> HttpMetrics | None:
        """The metric families (None when METRICS is off): add your own to ``metrics.registry``."""
        return self._metrics
