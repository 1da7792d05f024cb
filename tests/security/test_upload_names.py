"""Hostile upload file names: ``secure_filename`` and ``UploadedFile.save`` into a directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from surge import Request, Response
from surge.controller import Controller, path, post
from surge.security import secure_filename
from surge.testing import TestClient


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("My cool movie.mov", "My_cool_movie.mov"),
        ("../../etc/passwd", "etc_passwd"),
        ("..\\..\\windows\\win.ini", "windows_win.ini"),
        ("/abs/path.txt", "abs_path.txt"),
        ("..", ""),
        (".", ""),
        ("", ""),
        (".htaccess", "htaccess"),
        ("a\x00b.txt", "ab.txt"),
        ("résumé.pdf", "resume.pdf"),
        ("NUL", "_NUL"),
        ("com1.txt", "_com1.txt"),
        ("i\r\nj.txt", "i_j.txt"),
    ],
)
def test_secure_filename(name: str, expected: str) -> None:
    assert secure_filename(name) == expected


def test_secure_filename_keeps_long_names_short() -> None:
    name = secure_filename("a" * 500 + ".tar")
    assert len(name) == 200 and name.endswith(".tar")


def multipart(name: str) -> dict[str, Any]:
    """A multipart body carrying ``name`` byte for byte (httpx would percent-encode a NUL)."""
    body = (
        b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
        + name.encode()
        + b"\"\r\nContent-Type: text/plain\r\n\r\ndata\r\n--b0undary--\r\n"
    )
    return {"content": body, "headers": {"content-type": "multipart/form-data; boundary=b0undary"}}


def site(folder: Path) -> type[Controller]:
    @path("/")
    class Uploads(Controller):
        @post("/dir")
        async def into_directory(self, req: Request) -> Response:
            upload = (await req.files())["file"]
            written = await upload.save(folder)
            return req.response.json({"written": written, "files": sorted(p.name for p in folder.iterdir())})

        @post("/joined")
        async def joined(self, req: Request) -> Response:
            upload = (await req.files())["file"]
            await upload.save(folder / upload.filename)  # the naive way: the client's name in the path
            return req.response.json({"ok": True})

    return Uploads


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("photo.jpg", "photo.jpg"),
        ("..", "upload"),
        (".", "upload"),
        ("../../escape.txt", "escape.txt"),
        ("..\\..\\escape.txt", "escape.txt"),
        ("/etc/cron.d/job", "etc_cron.d_job"),
        ("nul\x00.txt", "_nul.txt"),  # NUL dropped, then a Windows device name
        ("???", "upload"),
    ],
)
async def test_save_into_directory_never_escapes(make_app: Any, tmp_path: Path, name: str, stored: str) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    async with TestClient(make_app(controllers=[site(folder)])) as client:
        res = await client.post("/dir", **multipart(name))
        assert res.status_code == 200, res.text
        assert res.json() == {"written": 4, "files": [stored]}
        assert (folder / stored).read_bytes() == b"data"
        assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["uploads", stored])


@pytest.mark.parametrize("name", ["..", "../../escape.txt", "sub/../..", "..\\x", "a\x00b"])
async def test_unusable_client_name_in_a_path_is_400(make_app: Any, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    async with TestClient(make_app(controllers=[site(folder)])) as client:
        res = await client.post("/joined", **multipart(name))
        assert res.status_code == 400, res.text
        assert res.json()["message"] == "The uploaded file's name cannot be used to save it"
        assert [p.name for p in tmp_path.rglob("*")] == ["uploads"]  # nothing written anywhere
