"""Prometheus metrics: requests by route template and status, latency, in-flight, SQL pool use.

Routes are labelled by their rule (``/users/<int:id>``), never the raw path, so the number
of series stays bounded; a path no route matches counts as ``<unmatched>``. Under several
worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, the same for every
worker, set before the server starts): each worker writes its samples there and ``/metrics``
adds them up across workers, whichever worker answers the scrape.
"""

from __future__ import annotations

import os
import time
import weakref
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from surge.middleware.base import MiddlewareBase

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from surge.http.request import Request
    from surge.http.response import Response
    from surge.types import AppContext

__all__ = ["HttpMetrics", "MetricsMiddleware", "UNMATCHED_ROUTE", "multiprocess_dir"]

UNMATCHED_ROUTE = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def multiprocess_dir() -> str | None:
    """The ``PROMETHEUS_MULTIPROC_DIR`` the workers share (None: one process, in-memory values)."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir") or None


class HttpMetrics:
    """The metric families of one app, in a registry of its own (two apps never share series)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.requests = Counter(
            "surge_http_requests_total", "HTTP requests answered", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "surge_http_request_duration_seconds", "Time to answer a request", ["method", "route"], registry=registry
        )
        self.in_flight = Gauge(
            "surge_http_requests_in_flight", "Requests being answered", registry=registry, multiprocess_mode="livesum"
        )
        self.pool_checked_out = Gauge(
            "surge_db_pool_checked_out",
            "SQL connections in use",
            ["database"],
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.pool_size = Gauge(
            "surge_db_pool_size", "SQL pool size", ["database"], registry=registry, multiprocess_mode="livesum"
        )
        self._watched: weakref.WeakSet[Any] = weakref.WeakSet()

    def watch_pool(self, name: str, engine: AsyncEngine) -> None:
        """Track the pool of ``engine`` (labelled ``name``): checked out on use, size at startup."""
        from sqlalchemy import event  # the "sql" extra is there: ``engine`` exists

        sync_engine = engine.sync_engine
        if sync_engine in self._watched:  # a restarted app keeps its listeners
            return
        self._watched.add(sync_engine)
        in_use = self.pool_checked_out.labels(name)
        size = getattr(sync_engine.pool, "size", None)  # NullPool and StaticPool have no size
        if callable(size):
            self.pool_size.labels(name).set(size())

        def checkout(*_args: object) -> None:
            in_use.inc()

        def checkin(*_args: object) -> None:
            in_use.dec()

        event.listen(sync_engine, "checkout", checkout)
        event.listen(sync_engine, "checkin", checkin)

    def exposition(self) -> bytes:
        """The text Prometheus scrapes: this process's registry, or every worker's samples."""
        path = multiprocess_dir()
        if path is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=path)  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    async def endpoint(self, req: Request) -> Response:
        """The ``/metrics`` response."""
        response = req.app.response_class(req)
        response.body = self.exposition()
        response.media_type = CONTENT_TYPE_LATEST
        return response


class MetricsMiddleware(MiddlewareBase):
    """Counts and times every request that reaches it, error responses included."""

    sees_error_responses = True

    def __init__(self, app: AppContext, metrics: HttpMetrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def middleware(self, req: Request) -> Response:
        """Time the rest of the chain; label the sample with the matched route's rule."""
        metrics = self.metrics
        started = time.perf_counter()
        status = 500  # an exception that escapes (DEBUG's debug page) is a 500 to the client
        metrics.in_flight.inc()
        try:
            response = await self.next(req)
            status = response.status_code
            return response
        finally:
            metrics.in_flight.dec()
            method = req.scope["method"]
            if method not in _METHODS:
                method = "OTHER"
            route = req.endpoint.rule.rule if req.endpoint is not None else UNMATCHED_ROUTE
            metrics.requests.labels(method, route, str(status)).inc()
            metrics.latency.labels(method, route).observe(time.perf_counter() - started)
