"""The seed README's aborts: ``abort`` and ``html_abort``, with and without a handler.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from surge import HttpStatus, abort, html_abort
from surge.exceptions import AborterException, HtmlAborterException
from surge.testing import TestClient

from seed_app import CustomExceptionHandler, ErrorsApi  # noqa: F401 (config names f"{MODULE}:CustomExceptionHandler")
from surge_testkit import make_app

MODULE = __name__


async def test_abort_without_handler_is_json(app_folder: Path) -> None:
    async with TestClient(make_app(ErrorsApi, BASE_PATH=str(app_folder))) as client:
        res = await client.get("/errors/api/v1/users/9")
        assert (res.status_code, res.json()) == (404, {"status": "error", "message": "User with id 9 not found"})
        res = await client.get("/errors/abort-default")
        assert (res.status_code, res.json()) == (400, {"status": "error", "message": "Bad thing"})


async def test_abort_with_handler() -> None:
    application = make_app(ErrorsApi, EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get("/errors/api/v1/users/9")
    assert (res.status_code, res.json()) == (404, {"message": "User with id 9 not found", "details": None})


async def test_html_abort_is_rendered_automatically(app_folder: Path) -> None:
    application = make_app(ErrorsApi, BASE_PATH=str(app_folder), EXCEPTION_HANDLERS=[f"{MODULE}:CustomExceptionHandler"])
    async with TestClient(application) as client:
        res = await client.get("/errors/html-abort")
        assert res.status_code == 403
        assert res.headers["content-type"].startswith("text/html")
        assert res.text == "<h1>Error</h1><p>No entry</p>"
        res = await client.get("/errors/html-abort-default")
        assert (res.status_code, res.text) == (400, "<h1>Error</h1><p>Default</p>")


def test_abort_helpers_raise_the_documented_exceptions() -> None:
    with pytest.raises(AborterException) as aborted:
        abort("gone", status_code=HttpStatus.GONE, status="fail", data={"id": 1})
    assert (aborted.value.message, aborted.value.status_code, aborted.value.status, aborted.value.data) == (
        "gone", 410, "fail", {"id": 1}
    )
    with pytest.raises(HtmlAborterException) as html_aborted:
        html_abort("error.html")
    assert (html_aborted.value.template, html_aborted.value.status_code) == ("error.html", 400)
