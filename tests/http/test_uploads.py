"""UploadedFile's read, seek and save work called plainly (PyJolt) and awaited (Surge)."""

from __future__ import annotations

from pathlib import Path

import pytest

from surge import Request, Response
from surge.controller import Controller, path, post
from surge.testing import TestClient

from surge_testkit import make_app

BIG = b"0123456789" * 150_000  # 1.5 MB: past the in-memory spool, so on disk


def uploads(folder: Path) -> type[Controller]:
    @path("/")
    class Uploads(Controller):
        @post("/plain")
        async def plain(self, req: Request) -> Response:
            """PyJolt's synchronous calls."""
            upload = (await req.files())["file"]
            head = upload.read(4)
            position = upload.seek(0)
            whole = upload.read()
            upload.save(str(folder / "plain.bin"))
            written = upload.save(folder)
            return req.response.json(
                {"head": head.decode(), "position": position, "size": len(whole), "written": written}
            )

        @post("/awaited")
        async def awaited(self, req: Request) -> Response:
            """Surge's awaited calls: plain values come out."""
            upload = (await req.files())["file"]
            head = await upload.read(4)
            position = await upload.seek(2)
            rest = await upload.read(3)
            written = await upload.save(folder / "awaited.bin")
            kinds = [type(value).__name__ for value in (head, position, rest, written)]
            return req.response.json({"head": head.decode(), "rest": rest.decode(), "written": written, "kinds": kinds})

    return Uploads


def multipart(data: bytes) -> dict[str, object]:
    return {"files": {"file": ("big data.bin", data, "application/octet-stream")}}


@pytest.mark.parametrize("data", [b"abcdefgh", BIG], ids=["small", "spooled-to-disk"])
async def test_read_seek_save_without_await(tmp_path: Path, data: bytes) -> None:
    async with TestClient(make_app(uploads(tmp_path))) as client:
        res = await client.post("/plain", **multipart(data))
    assert res.status_code == 200, res.text
    assert res.json() == {"head": data[:4].decode(), "position": 0, "size": len(data), "written": len(data)}
    assert (tmp_path / "plain.bin").read_bytes() == data
    assert (tmp_path / "big_data.bin").read_bytes() == data  # into a directory: the secure name


async def test_read_seek_save_awaited(tmp_path: Path) -> None:
    async with TestClient(make_app(uploads(tmp_path))) as client:
        res = await client.post("/awaited", **multipart(b"abcdefgh"))
    assert res.status_code == 200, res.text
    assert res.json() == {"head": "abcd", "rest": "cde", "written": 8, "kinds": ["bytes", "int", "bytes", "int"]}
    assert (tmp_path / "awaited.bin").read_bytes() == b"abcdefgh"
