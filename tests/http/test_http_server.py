"""HTTP semantics under a real granian server, with httpx and curl: Range, compression, 304, SSE."""

import gzip
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import brotli
import httpx
import pytest
import zstandard

from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).resolve().parent
CONTENT = os.urandom(100_000)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("served_http")
    (folder / "clip.bin").write_bytes(CONTENT)
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SURGE_TEST_HTTP_DIR": str(folder)}
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--working-dir", str(HERE), "--factory", "--log-level", "warning", "served_http:create_app"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/versioned", process)
        yield url, folder
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)


def curl(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["curl", "-s", "--max-time", "10", *args], capture_output=True, check=True)


def test_ranges_with_httpx_and_curl(served) -> None:
    url, _ = served
    res = httpx.get(url + "/clip", headers={"range": "bytes=1000-1999"})
    assert res.status_code == 206
    assert res.content == CONTENT[1000:2000]
    assert res.headers["content-range"] == f"bytes 1000-1999/{len(CONTENT)}"
    res = httpx.get(url + "/clip", headers={"range": "bytes=0-1,99998-"})
    assert res.status_code == 206
    assert res.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert CONTENT[:2] in res.content and res.content.count(CONTENT[99998:]) >= 1
    res = httpx.get(url + "/clip", headers={"range": "bytes=200000-"})
    assert res.status_code == 416
    assert res.headers["content-range"] == f"bytes */{len(CONTENT)}"
    out = curl("-r", "10-19", url + "/clip")
    assert out.stdout == CONTENT[10:20]
    head = curl("-o", "/dev/null", "-D", "-", "-r", "5000-", url + "/clip").stdout.decode()
    assert head.startswith("HTTP/1.1 206")
    assert "accept-ranges: bytes" in head.lower()


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_compression_decoded_by_httpx_and_curl(served, coding: str) -> None:
    url, _ = served
    res = httpx.get(url + "/report", headers={"accept-encoding": coding})
    assert res.headers["content-encoding"] == coding
    assert len(res.json()["rows"]) == 300
    raw = curl("-H", f"Accept-Encoding: {coding}", url + "/report").stdout
    decode = {
        "gzip": gzip.decompress,
        "br": brotli.decompress,
        "zstd": lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data),
    }[coding]
    assert decode(raw) == res.content
    assert len(raw) < len(res.content) / 3


def test_not_modified(served) -> None:
    url, _ = served
    res = httpx.get(url + "/versioned")
    assert res.headers["etag"] == '"v1"'
    res = httpx.get(url + "/versioned", headers={"if-none-match": '"v1"'})
    assert res.status_code == 304
    assert res.content == b""
    assert res.headers["cache-control"] == "max-age=30"
    head = curl("-D", "-", "-H", 'If-None-Match: "v1"', url + "/versioned").stdout.decode()
    assert head.startswith("HTTP/1.1 304")


def test_sse_events_and_client_disconnect(served) -> None:
    url, folder = served
    (folder / "closed").unlink(missing_ok=True)
    with httpx.stream("GET", url + "/ticks", timeout=10) as res:
        assert res.headers["content-type"] == "text/event-stream"
        lines: list[str] = []
        for line in res.iter_lines():
            lines.append(line)
            if len([item for item in lines if item.startswith("data:")]) == 3:
                break
    assert lines[:4] == ["event: tick", "id: 0", 'data: {"n":0}', ""]
    deadline = time.monotonic() + 5
    while not (folder / "closed").exists():  # the source was closed when the client went away
        assert time.monotonic() < deadline, "the SSE source was not closed after the client disconnected"
        time.sleep(0.05)
    out = subprocess.run(["curl", "-sN", "--max-time", "0.5", url + "/ticks"], capture_output=True)
    assert b"event: tick\nid: 0\n" in out.stdout
