"""``surge.utilities``: PyJolt's helpers behave as PyJolt's do."""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from pathlib import Path

import pytest

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.exceptions import StaticAssetNotFound
from surge.testing import TestClient
from surge.utilities import (
    base64_to_bytes,
    fs_safe_join,
    get_app_root_path,
    get_file,
    get_range_file,
    import_module,
    run_in_background,
    run_sync_or_async,
    to_kebab_case,
    to_upper_snake_case,
)

from surge_testkit import make_app


def test_case_conversions() -> None:
    assert to_kebab_case("  Hello World_again!! ") == "hello-world-again"
    assert to_upper_snake_case("SqlDatabase") == "SQL_DATABASE"
    assert to_upper_snake_case("CacheBackend") == "CACHE_BACKEND"


def test_import_module() -> None:
    assert import_module("os.path:join") is os.path.join
    with pytest.raises(ValueError, match="import string"):
        import_module("os.path.join")
    with pytest.raises(AttributeError):
        import_module("os.path:nope")


def test_app_root_path() -> None:
    assert get_app_root_path(__name__) == str(Path(__file__).parent)
    import email.mime

    assert get_app_root_path("email.mime") == os.path.dirname(email.mime.__file__)
    assert get_app_root_path("surely_not_a_module_xyz") == os.getcwd()


def test_base64_and_data_urls() -> None:
    encoded = base64.b64encode(b"\x00png").decode()
    assert base64_to_bytes(encoded) == b"\x00png"
    assert base64_to_bytes(f"data:image/png;base64,{encoded}") == b"\x00png"


def test_fs_safe_join_refuses_escapes(tmp_path: Path) -> None:
    assert fs_safe_join(tmp_path, "a", "b.txt") == (tmp_path / "a" / "b.txt").resolve()
    with pytest.raises(FileNotFoundError, match="traversal"):
        fs_safe_join(tmp_path, "..", "etc", "passwd")
    with pytest.raises(FileNotFoundError):
        fs_safe_join(tmp_path, "/etc/passwd")


async def test_run_sync_or_async() -> None:
    async def coro(x: int) -> int:
        return x + 1

    loop_thread = threading.get_ident()
    assert await run_sync_or_async(coro, 1) == 2
    assert await run_sync_or_async(lambda x, y=0: (x + y, threading.get_ident()), 1, y=2) != (3, loop_thread)
    assert (await run_sync_or_async(lambda x, y=0: x + y, 1, y=2)) == 3


async def test_run_in_background() -> None:
    done = asyncio.Event()

    async def job() -> str:
        done.set()
        return "async"

    task = run_in_background(job)
    assert await task == "async" and done.is_set()
    assert await run_in_background(lambda a, b: a * b, 6, 7) == 42


async def test_get_file(tmp_path: Path) -> None:
    (tmp_path / "report.csv").write_text("a,b\n")
    status, headers, body = await get_file(str(tmp_path / "report.csv"), filename="r.csv")
    assert (status, body) == (200, b"a,b\n")
    assert headers["Content-Type"] == "text/csv"
    assert headers["Content-Disposition"] == 'attachment; filename="r.csv"'
    with pytest.raises(StaticAssetNotFound):
        await get_file(str(tmp_path / "missing.bin"))


@path("/media")
class Media(Controller):
    @get("/<name>")
    async def video(self, req: Request, name: str) -> Response:
        file_path = os.path.join(self.app.get_conf("BASE_PATH"), name)
        return await get_range_file(req.response, file_path, req.headers.get("range"), "video/mp4")


@pytest.fixture
async def media(tmp_path: Path):
    (tmp_path / "clip.mp4").write_bytes(bytes(range(256)) * 1024)  # 256 KiB
    async with TestClient(make_app(Media, BASE_PATH=str(tmp_path))) as client:
        yield client


async def test_range_file_sends_the_asked_bytes(media) -> None:
    res = await media.get("/media/clip.mp4", headers={"Range": "bytes=10-19"})
    assert res.status_code == 206
    assert res.content == bytes(range(10, 20))
    assert res.headers["content-range"] == "bytes 10-19/262144"
    assert res.headers["content-length"] == "10"
    assert res.headers["accept-ranges"] == "bytes"
    assert res.headers["content-type"] == "video/mp4"


async def test_range_file_open_ended_and_whole(media) -> None:
    tail = await media.get("/media/clip.mp4", headers={"Range": "bytes=262140-"})
    assert tail.status_code == 206 and tail.content == bytes([252, 253, 254, 255])
    whole = await media.get("/media/clip.mp4")
    assert whole.status_code == 200 and len(whole.content) == 262144
    assert "content-range" not in whole.headers


async def test_range_file_refusals(media) -> None:
    past_end = await media.get("/media/clip.mp4", headers={"Range": "bytes=300000-"})
    assert past_end.status_code == 416
    assert past_end.headers["content-range"] == "bytes */262144"
    missing = await media.get("/media/nope.mp4", headers={"Range": "bytes=0-1"})
    assert missing.status_code == 404
    assert missing.json() == {"status": "error", "message": "Static asset not found"}
