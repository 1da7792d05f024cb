"""Range requests on files: 206, multipart/byteranges, If-Range, 416; and the Range parser."""

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.http.ranges import Unsatisfiable, parse_range
from surge.testing import TestClient

from surge_testkit import make_app

CONTENT = bytes(range(256)) * 40  # 10240 bytes


@path("/")
class Files(Controller):
    @get("/video")
    async def video(self, req: Request) -> Response:
        return req.response.send_file(req.app.get_conf("FILE_PATH"))

    @get("/memory")
    async def memory(self, req: Request) -> Response:
        return req.response.send_file(CONTENT[:100], filename="data.bin")


@pytest.fixture
async def client(tmp_path):
    target = tmp_path / "clip.mp4"
    target.write_bytes(CONTENT)
    static = tmp_path / "static"
    static.mkdir()
    (static / "app.js").write_bytes(CONTENT)
    app = make_app(Files, FILE_PATH=str(target), BASE_PATH=str(tmp_path), STATIC_DIR="static")
    async with TestClient(app) as c:
        yield c


async def test_whole_file_advertises_byte_ranges(client) -> None:
    res = await client.get("/video")
    assert res.status_code == 200
    assert res.headers["accept-ranges"] == "bytes"
    assert res.content == CONTENT


async def test_single_range_is_206_with_content_range(client) -> None:
    res = await client.get("/video", headers={"range": "bytes=100-199"})
    assert res.status_code == 206
    assert res.headers["content-range"] == f"bytes 100-199/{len(CONTENT)}"
    assert res.headers["content-length"] == "100"
    assert res.headers["content-type"] == "video/mp4"
    assert res.content == CONTENT[100:200]
    res = await client.get("/video", headers={"range": "bytes=-10"})
    assert res.content == CONTENT[-10:]
    assert res.headers["content-range"] == f"bytes {len(CONTENT) - 10}-{len(CONTENT) - 1}/{len(CONTENT)}"
    res = await client.get("/video", headers={"range": "bytes=10000-"})
    assert res.content == CONTENT[10000:]


async def test_multiple_ranges_are_multipart_byteranges(client) -> None:
    res = await client.get("/video", headers={"range": "bytes=0-9, 500-509"})
    assert res.status_code == 206
    media, _, boundary = res.headers["content-type"].partition("; boundary=")
    assert media == "multipart/byteranges"
    assert int(res.headers["content-length"]) == len(res.content)
    parts = res.content.split(f"--{boundary}".encode())
    assert parts[-1] == b"--\r\n"
    first, second = parts[1], parts[2]
    assert b"Content-Range: bytes 0-9/10240" in first
    assert first.endswith(b"\r\n\r\n" + CONTENT[0:10] + b"\r\n")
    assert b"Content-Type: video/mp4" in second
    assert second.endswith(b"\r\n\r\n" + CONTENT[500:510] + b"\r\n")


async def test_unsatisfiable_range_is_416(client) -> None:
    res = await client.get("/video", headers={"range": "bytes=20000-20010"})
    assert res.status_code == 416
    assert res.headers["content-range"] == f"bytes */{len(CONTENT)}"
    assert res.content == b""


async def test_malformed_range_sends_the_whole_file(client) -> None:
    for header in ("bytes=abc", "items=0-1", "bytes=5-1"):
        res = await client.get("/video", headers={"range": header})
        assert res.status_code == 200, header
        assert res.content == CONTENT


async def test_if_range_honours_the_range_only_while_the_file_is_unchanged(client) -> None:
    whole = await client.get("/video")
    etag, modified = whole.headers["etag"], whole.headers["last-modified"]
    res = await client.get("/video", headers={"range": "bytes=0-3", "if-range": etag})
    assert res.status_code == 206
    assert res.content == CONTENT[:4]
    res = await client.get("/video", headers={"range": "bytes=0-3", "if-range": modified})
    assert res.status_code == 206
    res = await client.get("/video", headers={"range": "bytes=0-3", "if-range": '"stale"'})
    assert res.status_code == 200
    assert res.content == CONTENT
    res = await client.get("/video", headers={"range": "bytes=0-3", "if-range": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert res.status_code == 200


async def test_static_files_and_bytes_answer_ranges(client) -> None:
    res = await client.get("/static/app.js", headers={"range": "bytes=1-2"})
    assert res.status_code == 206
    assert res.content == CONTENT[1:3]
    res = await client.get("/memory", headers={"range": "bytes=98-"})
    assert res.status_code == 206
    assert res.content == CONTENT[98:100]
    assert res.headers["content-range"] == "bytes 98-99/100"


def test_range_parser() -> None:
    assert parse_range("bytes=0-0", 10) == [(0, 0)]
    assert parse_range("bytes=0-4,2-8", 10) == [(0, 8)]  # overlapping ranges merge
    assert parse_range("bytes=5-100", 10) == [(5, 9)]
    assert parse_range("bytes=-100", 10) == [(0, 9)]
    assert isinstance(parse_range("bytes=10-", 10), Unsatisfiable)
    assert isinstance(parse_range("bytes=-0", 10), Unsatisfiable)
    assert parse_range("bytes=1-2" + ",3-4" * 40, 100) is None  # too many ranges: ignored
    assert parse_range("bytes=-", 10) is None
