"""OpenTelemetry tracing: a server span per request (the ASGI instrumentation), a span per SQL query.

The ASGI instrumentation wraps an ASGI callable; here it wraps the rest of the middleware
chain, and the response is sent inside the span, so the span sees the real status and timing
and the trace context (``traceparent``) of the request is current while the handler runs.
Once routed, the span is renamed ``"GET /users/<int:id>"`` and gets ``http.route``.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from opentelemetry import metrics, trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.trace import TracerProvider

from surge._version import __version__
from surge.http.response import Response
from surge.middleware.base import MiddlewareBase

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from surge.http.request import Request
    from surge.types import AppContext, Receive, Scope, Send

__all__ = ["SentResponse", "SqlTracing", "TracingMiddleware"]

_REQUEST = "surge.observability.request"
_SENT = "surge.observability.sent"


class SentResponse(Response):
    """A response already sent inside the request's span: the app only reads its status."""

    async def __call__(self, send: Send, head: bool = False, request: Any = None) -> None:
        """Nothing left to send."""


class TracingMiddleware(MiddlewareBase):
    """Runs the rest of the chain, and sends its response, inside the ASGI instrumentation's span.

    It must be the outermost middleware: one further out could not change a response that is
    already sent (the extension checks this at startup).
    """

    sees_error_responses = True

    def __init__(self, app: AppContext, tracer_provider: TracerProvider | None) -> None:
        super().__init__(app)
        self._asgi = OpenTelemetryMiddleware(self._serve, tracer_provider=tracer_provider)

    async def middleware(self, req: Request) -> Response:
        """Serve ``req`` inside a server span; returns a :class:`SentResponse` carrying the status."""
        scope = req.scope
        scope[_REQUEST] = req
        await self._asgi(scope, req.receive, req.send)
        response: Response = scope.pop(_SENT)
        sent = SentResponse(req)
        sent.status_code = response.status_code
        sent.headers = response.headers
        return sent

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        req: Request = scope.pop(_REQUEST)
        response = await self.next(req)
        route = req.endpoint
        if route is not None:
            span = trace.get_current_span()
            if span.is_recording():
                span.update_name(f"{scope['method']} {route.rule.rule}")
                span.set_attribute("http.route", route.rule.rule)
        await response(send, scope["method"] == "HEAD", req)
        scope[_SENT] = response


class SqlTracing:
    """A child span per SQL statement, for the engines of the app's ``SqlDatabase`` extensions."""

    def __init__(self, tracer_provider: TracerProvider | None) -> None:
        self.tracer = trace.get_tracer("surge.observability.sql", __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter("surge.observability.sql", __version__)
        self._usage = meter.create_up_down_counter("db.client.connections.usage", unit="connections")
        self._traced: weakref.WeakSet[Any] = weakref.WeakSet()

    def trace_engine(self, engine: AsyncEngine) -> None:
        """Listen to ``engine``'s statements (once per engine, so a restarted app adds no duplicates).

        The instrumentation's ``EngineTracer`` is used directly, rather than the process-wide
        ``SQLAlchemyInstrumentor`` singleton, so each app traces its own engines with its own provider.
        """
        sync_engine = engine.sync_engine
        if sync_engine not in self._traced:
            self._traced.add(sync_engine)
            EngineTracer(self.tracer, sync_engine, self._usage)  # type: ignore[no-untyped-call]
