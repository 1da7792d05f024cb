"""OpenTelemetry: a server span per request named by route, a child span per SQL query."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from observability_kit import Items, obs_app
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import text

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.database.sql import SqlDatabase
from surge.exceptions import ImproperlyConfigured
from surge.extension import BaseExtension
from surge.middleware import MiddlewareBase
from surge.observability import Observability
from surge.roles import MiddlewareProvider
from surge.testing import TestClient

ON = {"TRACING": True, "REQUEST_ID": True}
db = SqlDatabase()


@path("/notes")
class Notes(Controller):
    @get("/<int:note_id>")
    async def note(self, req: Request, note_id: int) -> Response:
        async with db.engine.connect() as connection:
            value = (await connection.execute(text("SELECT :n + 1"), {"n": note_id})).scalar_one()
        return req.response.json({"value": value}).status(201)


@pytest.fixture
def exporter() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    yield provider, spans
    provider.shutdown()


def server_spans(spans: Sequence[ReadableSpan]) -> list[ReadableSpan]:
    return [span for span in spans if span.kind == SpanKind.SERVER]


async def test_a_request_makes_a_server_span_named_by_route_with_a_child_db_span(
    exporter: tuple[TracerProvider, InMemorySpanExporter], tmp_path: Any
) -> None:
    provider, spans = exporter
    app = obs_app(
        Observability(tracer_provider=provider),
        db,
        controllers=(Notes,),
        OBSERVABILITY=ON,
        SQL_DATABASE={"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}"},
    )
    async with TestClient(app) as client:
        spans.clear()  # the startup's own SELECT 1 ran outside any request
        res = await client.get("/notes/41")
    assert res.status_code == 201 and res.json() == {"value": 42}
    assert res.headers["x-request-id"]  # middleware inside the span still shapes the response
    finished = spans.get_finished_spans()
    [server] = server_spans(finished)
    assert server.name == "GET /notes/<int:note_id>"
    assert server.attributes is not None and server.attributes["http.route"] == "/notes/<int:note_id>"
    assert server.attributes.get("http.status_code", server.attributes.get("http.response.status_code")) == 201
    [query] = [span for span in finished if span.kind == SpanKind.CLIENT and "SELECT" in span.name]
    assert query.parent is not None and server.context is not None
    assert query.parent.span_id == server.context.span_id
    assert query.context is not None and query.context.trace_id == server.context.trace_id


async def test_the_incoming_trace_context_is_continued_and_errors_are_marked(
    exporter: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, spans = exporter
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    app = obs_app(Observability(tracer_provider=provider), OBSERVABILITY=ON)
    async with TestClient(app) as client:
        ok = await client.get("/api/items/1", headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
        failed = await client.get("/api/items/500")
        missing = await client.get("/nowhere")
        head = await client.head("/api/items/1")
    assert ok.status_code == 200 and ok.json()["id"] == 1
    assert failed.status_code == 500 and failed.json()["request_id"] == failed.headers["x-request-id"]
    assert missing.status_code == 404
    assert head.status_code == 200 and head.content == b""
    first, error, unmatched, _ = server_spans(spans.get_finished_spans())
    assert first.context is not None and f"{first.context.trace_id:032x}" == trace_id
    assert error.name == "GET /api/items/<int:item_id>" and error.status.status_code == StatusCode.ERROR
    assert unmatched.name == "GET /nowhere"  # no route: the instrumentation's own name


class Stamp(BaseExtension, MiddlewareProvider):  # type: ignore[type-arg]
    def middleware(self) -> Sequence[MiddlewareBase]:
        return [MiddlewareBase(self.app)]


def test_tracing_must_be_listed_before_other_middleware_extensions() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"OBSERVABILITY\.TRACING: list Observability before Stamp"):
        obs_app(Stamp(), Observability(), controllers=(Items,), OBSERVABILITY={"TRACING": True})
