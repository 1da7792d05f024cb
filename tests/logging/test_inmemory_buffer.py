"""``InMemoryLogBuffer``: a bounded loguru sink, with errors kept apart."""

from __future__ import annotations

from loguru import logger

from surge.logging import InMemoryLogBuffer, OutputSink


def test_keeps_the_latest_records_and_the_errors() -> None:
    buffer = InMemoryLogBuffer(maxlen=3)
    sink_id = logger.add(buffer, level="DEBUG")
    try:
        bound = logger.bind(logger_name="tests")
        for n in range(4):
            bound.info(f"message {n}")
        bound.error("boom")
    finally:
        logger.remove(sink_id)
    assert [r["message"] for r in buffer.get_all()] == ["message 2", "message 3", "boom"]
    assert [r["message"] for r in buffer.get_last(2)] == ["message 3", "boom"]
    severe = buffer.get_severe()
    assert [(r["level"], r["message"], r["logger_name"]) for r in severe] == [("ERROR", "boom", "tests")]
    assert (
        buffer.get_last_severe(0) == []
        and severe[0]["function"] == "test_keeps_the_latest_records_and_the_errors"
    )
    assert OutputSink.STDERR == "STDERR"
