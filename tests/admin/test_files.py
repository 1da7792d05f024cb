"""The file explorer works inside its folder and refuses every path that leaves it."""

from __future__ import annotations

import os
from typing import Any

import pytest

BASE = "/admin/dashboard/files"


@pytest.fixture
def folder(admin: Any, tmp_path: Any) -> Any:
    root = tmp_path / "files"
    (root / "docs").mkdir()
    (root / "docs" / "readme.txt").write_text("hello")
    (tmp_path / "secret.txt").write_text("top secret")
    os.symlink(tmp_path / "secret.txt", root / "escape.txt")
    os.symlink(tmp_path, root / "outside")
    return root


async def test_browse_upload_download_rename_delete(admin: Any, folder: Any) -> None:
    page = await admin.client.get(BASE)
    assert page.status_code == 200
    assert 'id="file-docs" data-path="docs" data-kind="folder"' in page.text
    assert "escape.txt" not in page.text and 'id="file-outside"' not in page.text  # links out are not listed

    inside = await admin.client.get(BASE, params={"path": "docs"})
    assert 'id="file-readme-txt" data-path="docs/readme.txt"' in inside.text

    uploaded = await admin.post_form(f"{BASE}/upload", {"path": "docs"}, page=BASE,
                                     files={"file": ("report 2024.csv", b"a,b\n1,2\n", "text/csv")})
    assert uploaded.status_code == 303 and "notice=uploaded" in uploaded.headers["location"]
    assert (folder / "docs" / "report_2024.csv").read_bytes() == b"a,b\n1,2\n"
    again = await admin.post_form(f"{BASE}/upload", {"path": "docs"}, page=BASE,
                                  files={"file": ("report 2024.csv", b"other", "text/csv")})
    assert again.status_code == 409 and (folder / "docs" / "report_2024.csv").read_bytes() == b"a,b\n1,2\n"

    download = await admin.client.get(f"{BASE}/download", params={"path": "docs/report_2024.csv"})
    assert download.status_code == 200 and download.content == b"a,b\n1,2\n"
    assert download.headers["content-disposition"].startswith("attachment;")

    renamed = await admin.post_form(f"{BASE}/rename", {"path": "docs/report_2024.csv", "new_name": "final.csv"}, page=BASE)
    assert renamed.status_code == 303 and (folder / "docs" / "final.csv").exists()
    made = await admin.post_form(f"{BASE}/mkdir", {"path": "", "name": "images"}, page=BASE)
    assert made.status_code == 303 and (folder / "images").is_dir()
    deleted = await admin.post_form(f"{BASE}/delete", {"path": "docs"}, page=BASE)
    assert deleted.status_code == 303 and not (folder / "docs").exists()


TRAVERSALS = [
    "../secret.txt", "docs/../../secret.txt", "%2e%2e/secret.txt", "%252e%252e/secret.txt", "..%2fsecret.txt",
    "/etc/passwd", "\\etc\\passwd", "C:/Windows", "escape.txt", "outside/secret.txt", "docs/\x00x",
]


@pytest.mark.parametrize("bad", TRAVERSALS)
async def test_paths_leaving_the_folder_are_refused(admin: Any, folder: Any, tmp_path: Any, bad: str) -> None:
    download = await admin.client.get(f"{BASE}/download", params={"path": bad})
    assert download.status_code == 400, bad
    assert b"top secret" not in download.content and 'data-status="400"' in download.text
    browse = await admin.client.get(BASE, params={"path": bad})
    assert browse.status_code in (400, 404)
    for url, data in (("/delete", {"path": bad}), ("/rename", {"path": bad, "new_name": "x.txt"}),
                      ("/mkdir", {"path": bad, "name": "x"})):
        response = await admin.post_form(BASE + url, data, page=BASE)
        assert response.status_code == 400, (url, bad)
    upload = await admin.post_form(f"{BASE}/upload", {"path": bad}, page=BASE, files={"file": ("x.txt", b"x", "text/plain")})
    assert upload.status_code == 400
    assert (tmp_path / "secret.txt").read_text() == "top secret"
    assert sorted(os.listdir(tmp_path)) == ["admin.db", "files", "secret.txt"]


@pytest.mark.parametrize("name", ["../x", "a/b", "..", ".", "", "a\\b"])
async def test_new_names_must_be_plain(admin: Any, folder: Any, name: str) -> None:
    response = await admin.post_form(f"{BASE}/rename", {"path": "docs/readme.txt", "new_name": name}, page=BASE)
    assert response.status_code == 400
    assert (folder / "docs" / "readme.txt").exists()


async def test_the_root_itself_cannot_be_deleted(admin: Any, folder: Any) -> None:
    for path in ("", ".", "docs/.."):
        response = await admin.post_form(f"{BASE}/delete", {"path": path}, page=BASE)
        assert response.status_code in (400, 404)
    assert (folder / "docs" / "readme.txt").exists()
