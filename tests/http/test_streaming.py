"""Streamed bodies: Content-Type of generator handlers, sync iterables iterated in a thread."""

import threading
import time
from collections.abc import AsyncIterator, Iterator

from surge import Request, Response
from surge.controller import Controller, get, path, produces
from surge.testing import TestClient

from surge_testkit import make_app

LOOP_THREADS: list[int] = []
CLOSED: list[str] = []


@path("/")
class Streams(Controller):
    @get("/agen-text")
    async def agen_text(self, req: Request) -> AsyncIterator[str]:
        yield "hello "
        yield "world"

    @get("/agen-bytes")
    async def agen_bytes(self, req: Request) -> AsyncIterator[bytes]:
        yield b"\x00\x01"
        yield b"\x02"

    @get("/agen-csv")
    @produces("text/csv")
    async def agen_csv(self, req: Request) -> AsyncIterator[str]:
        yield "a,b\n"

    @get("/sync-gen")
    def sync_gen(self, req: Request) -> Iterator[str]:
        for part in ("one ", "two ", "three"):
            time.sleep(0.01)  # blocking: must not run on the event loop
            LOOP_THREADS.append(threading.get_ident())
            yield part

    @get("/sync-iterable")
    async def sync_iterable(self, req: Request) -> Response:
        LOOP_THREADS.clear()
        LOOP_THREADS.append(threading.get_ident())

        def produce() -> Iterator[bytes]:
            try:
                for n in range(3):
                    LOOP_THREADS.append(threading.get_ident())
                    yield str(n).encode()
            finally:
                CLOSED.append("produce")

        return req.response.stream(produce())

    @get("/list")
    async def list_stream(self, req: Request) -> Response:
        return req.response.stream(["a", "b", "c"], media_type="text/x-letters")


async def test_async_generator_handlers_send_a_content_type() -> None:
    async with TestClient(make_app(Streams)) as client:
        res = await client.get("/agen-text")
        assert res.status_code == 200
        assert res.text == "hello world"
        assert res.headers["content-type"] == "text/plain; charset=utf-8"
        res = await client.get("/agen-bytes")
        assert res.content == b"\x00\x01\x02"
        assert res.headers["content-type"] == "application/octet-stream"
        res = await client.get("/agen-csv")
        assert res.headers["content-type"] == "text/csv"
        assert res.text == "a,b\n"


async def test_sync_generator_handler_is_streamed_from_a_thread() -> None:
    LOOP_THREADS.clear()
    async with TestClient(make_app(Streams)) as client:
        res = await client.get("/sync-gen")
    assert res.status_code == 200
    assert res.text == "one two three"
    assert res.headers["content-type"] == "text/plain; charset=utf-8"
    assert threading.get_ident() not in LOOP_THREADS


async def test_sync_iterable_given_to_stream_is_iterated_off_the_loop_and_closed() -> None:
    CLOSED.clear()
    async with TestClient(make_app(Streams)) as client:
        res = await client.get("/sync-iterable")
        assert res.status_code == 200
        assert res.content == b"012"
        assert res.headers["content-type"] == "application/octet-stream"
        loop_thread, *workers = LOOP_THREADS
        assert workers and loop_thread not in workers
        assert CLOSED == ["produce"]
        res = await client.get("/list")
        assert res.text == "abc"
        assert res.headers["content-type"] == "text/x-letters"
