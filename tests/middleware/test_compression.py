"""CompressionMiddleware: gzip/brotli/zstd by Accept-Encoding, minimum size, skipped types, streams."""

import gzip
import zlib
from collections.abc import AsyncIterator

import brotli
import pytest
import zstandard

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.testing import LifespanFailed, TestClient

from surge_testkit import make_app

BIG = {"items": [{"id": n, "name": f"item {n}"} for n in range(200)]}
MIDDLEWARE = ["surge.middleware.compression:CompressionMiddleware"]


@path("/")
class Api(Controller):
    @get("/big")
    async def big(self, req: Request) -> dict:
        return BIG

    @get("/small")
    async def small(self, req: Request) -> dict:
        return {"ok": True}

    @get("/png")
    async def png(self, req: Request) -> Response:
        return req.response.send_file(b"\x89PNG" + b"\x00" * 4000, media_type="image/png")

    @get("/stream")
    async def stream(self, req: Request) -> AsyncIterator[str]:
        for n in range(50):
            yield f"line {n}\n" * 20

    @get("/file")
    async def file(self, req: Request) -> Response:
        return req.response.send_file(req.app.get_conf("FILE_PATH"))


@pytest.fixture
async def client(tmp_path):
    target = tmp_path / "app.js"
    target.write_text("console.log('hello');\n" * 200)
    app = make_app(Api, MIDDLEWARE=MIDDLEWARE, FILE_PATH=str(target))
    async with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    ("accept", "coding", "decode"),
    [
        ("gzip", "gzip", gzip.decompress),
        ("br", "br", brotli.decompress),
        ("zstd", "zstd", lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data)),
        ("gzip;q=0.5, br;q=0.9, zstd;q=0.1", "br", brotli.decompress),
        ("gzip, br, zstd", "zstd", lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data)),
        ("*;q=0.3, zstd;q=0, br;q=0", "gzip", gzip.decompress),
    ],
)
async def test_codings_follow_accept_encoding(client, accept, coding, decode) -> None:
    res = await client.get("/big", headers={"accept-encoding": accept})
    assert res.headers["content-encoding"] == coding
    assert res.headers["vary"] == "Accept-Encoding"
    raw = await _raw(client, "/big", accept)
    assert int(res.headers["content-length"]) == len(raw) < 5000
    assert decode(raw) == res.content
    assert res.json() == BIG


async def _raw(client, url: str, accept: str) -> bytes:
    async with client.stream("GET", url, headers={"accept-encoding": accept}) as res:
        return b"".join([chunk async for chunk in res.aiter_raw()])


async def test_small_bodies_images_and_identity_are_left_alone(client) -> None:
    res = await client.get("/small", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in res.headers
    res = await client.get("/png", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in res.headers
    res = await client.get("/big", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in res.headers
    assert res.headers["vary"] == "Accept-Encoding"
    assert res.json() == BIG


async def test_streams_are_compressed_incrementally(client) -> None:
    res = await client.get("/stream", headers={"accept-encoding": "gzip"})
    assert res.headers["content-encoding"] == "gzip"
    assert "content-length" not in res.headers
    assert res.text == "".join(f"line {n}\n" * 20 for n in range(50))


async def test_files_are_compressed_with_a_weak_etag_and_keep_conditional_get(client) -> None:
    res = await client.get("/file", headers={"accept-encoding": "gzip"})
    assert res.headers["content-encoding"] == "gzip"
    assert res.text == "console.log('hello');\n" * 200
    etag = res.headers["etag"]
    assert etag.startswith('W/"')
    res = await client.get("/file", headers={"accept-encoding": "gzip", "if-none-match": etag})
    assert res.status_code == 304
    res = await client.get("/file", headers={"accept-encoding": "gzip", "range": "bytes=0-6"})
    assert res.status_code == 206
    assert res.content == b"console"


async def test_bad_config_fails_at_startup_naming_the_key() -> None:
    app = make_app(Api, MIDDLEWARE=MIDDLEWARE, COMPRESSION={"MINIMUM_SIZE": -1})
    with pytest.raises(LifespanFailed, match="COMPRESSION.MINIMUM_SIZE"):
        async with TestClient(app):
            pass
    app = make_app(Api, MIDDLEWARE=MIDDLEWARE, COMPRESSION={"ALGORITHMS": ["lzma"]})
    with pytest.raises(LifespanFailed, match="COMPRESSION.ALGORITHMS"):
        async with TestClient(app):
            pass


async def test_gzip_only_config() -> None:
    app = make_app(Api, MIDDLEWARE=MIDDLEWARE, COMPRESSION={"ALGORITHMS": ["gzip"], "MINIMUM_SIZE": 5})
    async with TestClient(app) as client:
        res = await client.get("/small", headers={"accept-encoding": "br, zstd, gzip;q=0.1"})
        assert res.headers["content-encoding"] == "gzip"
        assert zlib.decompress(await _raw(client, "/small", "gzip"), 31) == b'{"ok":true}'
