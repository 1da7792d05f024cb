"""The TechEmpower verifier's checks, run against Surge's TFB app (benchmarks/apps/tfb/surge_app.py).

The app runs in-process through the test client on a throwaway PostgreSQL database seeded by
benchmarks/tfb_setup.py; no timing is asserted. The other tests show each check can fail.
"""

from __future__ import annotations

import email.utils
import importlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sql_targets import run_in_thread
from surge_testkit import require_service

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
for folder in (BENCHMARKS, BENCHMARKS / "apps"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import tfb_setup  # noqa: E402
import tfb_verify  # noqa: E402

Response = tuple[int, dict[str, str], bytes]


@pytest.fixture(scope="module")
def tfb_dsn() -> Iterator[str]:
    """A fresh database with the standard world and fortune tables, dropped afterwards."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    dsn = f"postgresql://postgres@127.0.0.1:5432/tfb_test_{uuid.uuid4().hex[:10]}"
    run_in_thread(lambda: tfb_setup.prepare(dsn))
    try:
        yield dsn
    finally:
        run_in_thread(lambda: tfb_setup.drop_database(dsn))


@pytest.fixture(scope="module")
def surge_tfb(tfb_dsn: str) -> Iterator[ModuleType]:
    """benchmarks/apps/tfb/surge_app.py imported against the throwaway database."""
    names = ("tfb", "tfb._tfb_common", "tfb.surge_app")
    saved = os.environ.get("TFB_DSN")
    os.environ["TFB_DSN"] = tfb_dsn
    for name in names:
        sys.modules.pop(name, None)
    try:
        yield importlib.import_module("tfb.surge_app")
    finally:
        for name in names:
            sys.modules.pop(name, None)
        if saved is None:
            os.environ.pop("TFB_DSN", None)
        else:
            os.environ["TFB_DSN"] = saved


def client_fetch(client: Any) -> Any:
    async def fetch(path: str) -> Response:
        response = await client.get(path)
        return response.status_code, dict(response.headers), response.content

    return fetch


async def test_surge_tfb_app_passes_every_check(surge_tfb: ModuleType, tfb_dsn: str) -> None:
    from surge.testing import TestClient

    async with TestClient(surge_tfb.app) as client:
        results = await tfb_verify.verify_app(
            client_fetch(client), read_worlds=tfb_verify.asyncpg_world_reader(tfb_dsn), server_headers=False
        )
    assert set(results) == set(tfb_verify.TEST_TYPES)
    assert results == {name: [] for name in tfb_verify.TEST_TYPES}


async def test_updates_that_are_not_persisted_fail(surge_tfb: ModuleType, tfb_dsn: str) -> None:
    """An /updates that answers new numbers without writing them is caught through the database."""
    from surge.testing import TestClient

    async with TestClient(surge_tfb.app) as client:
        real = client_fetch(client)

        async def fetch(path: str) -> Response:
            if path.startswith("/updates"):
                status, headers, body = await real(path.replace("/updates", "/queries"))
                rows = [
                    {"id": w["id"], "randomNumber": w["randomNumber"] % 10_000 + 1} for w in json.loads(body)
                ]
                body = json.dumps(rows).encode()
                return status, {**headers, "content-length": str(len(body))}, body
            return await real(path)

        results = await tfb_verify.verify_app(
            fetch,
            read_worlds=tfb_verify.asyncpg_world_reader(tfb_dsn),
            server_headers=False,
            types=["updates"],
        )
    problems = " ".join(results["updates"])
    assert "500 returned numbers are not in the database" in problems
    assert "only 0 of 500 rows changed" in problems


async def test_queries_without_the_clamp_fail() -> None:
    """`queries` must be clamped to 1..500 and a non-integer must count as 1."""
    row = {"id": 1, "randomNumber": 2}

    async def fetch(path: str) -> Response:
        raw = path.partition("queries=")[2]
        count = int(raw) if raw.isdigit() else 0  # no clamp, "foo" -> 0 rows
        return (
            200,
            {"content-type": "application/json", "content-length": "1"},
            json.dumps([row] * count).encode(),
        )

    results = await tfb_verify.verify_app(fetch, server_headers=False, types=["queries"])
    problems = results["queries"]
    assert any("queries=0: array of 0 items, expected 1" in p for p in problems)
    assert any("queries=foo: array of 0 items, expected 1" in p for p in problems)
    assert any("queries=501: array of 501 items, expected 500" in p for p in problems)
    assert not any("queries=20:" in p for p in problems)


def render(rows: list[tuple[int, str]], escape: bool = True) -> bytes:
    import html

    cells = "".join(f"<tr><td>{i}</td><td>{html.escape(m) if escape else m}</td></tr>" for i, m in rows)
    return (
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
        f"<tr><th>id</th><th>message</th></tr>{cells}</table></body></html>"
    ).encode()


def test_fortunes_checks() -> None:
    good = sorted([*tfb_setup.FORTUNES, (0, tfb_verify.EXTRA_FORTUNE)], key=lambda r: r[1])
    assert tfb_verify.fortunes_problems(render(good)) == []

    unescaped = tfb_verify.fortunes_problems(render(good, escape=False))
    assert "the <script> fortune is not HTML-escaped" in unescaped
    assert any("unexpected tags ['/script', 'script']" in p for p in unescaped)

    without_extra = tfb_verify.fortunes_problems(render([r for r in good if r[0] != 0]))
    assert any("12 rows, expected 13" in p for p in without_extra)

    by_id = tfb_verify.fortunes_problems(render(sorted(good)))
    assert any("sorted by message" in p for p in by_id)

    mangled = [(i, m.encode("utf-8").decode("latin-1") if i == 12 else m) for i, m in good]
    assert any("row 12" in p for p in tfb_verify.fortunes_problems(render(mangled)))


def test_header_checks() -> None:
    now = email.utils.formatdate(time.time(), usegmt=True)
    ok = {"content-type": "application/json", "content-length": "27", "server": "granian", "date": now}
    assert tfb_verify.header_problems(ok, "json", server_headers=True) == []
    assert (
        tfb_verify.header_problems(
            {**ok, "content-type": "application/json; charset=UTF-8"}, "json", server_headers=True
        )
        == []
    )

    wrong_type = tfb_verify.header_problems({**ok, "content-type": "text/json"}, "json", server_headers=True)
    assert any("Content-Type 'text/json'" in p for p in wrong_type)
    html_without_charset = tfb_verify.header_problems(
        {**ok, "content-type": "text/html"}, "html", server_headers=True
    )
    assert any("Content-Type 'text/html'" in p for p in html_without_charset)

    bare = {"content-type": "text/plain"}
    assert tfb_verify.header_problems(bare, "plaintext", server_headers=True) == [
        "neither Content-Length nor Transfer-Encoding",
        "Server header missing",
        "Date header missing",
    ]
    assert (
        tfb_verify.header_problems(
            {**bare, "transfer-encoding": "chunked"}, "plaintext", server_headers=False
        )
        == []
    )

    stale = email.utils.formatdate(time.time() - 60, usegmt=True)
    assert any(
        "cached?" in p for p in tfb_verify.header_problems({**ok, "date": stale}, "json", server_headers=True)
    )
    iso = tfb_verify.header_problems({**ok, "date": "2026-11-30T12:00:00Z"}, "json", server_headers=True)
    assert any("not RFC 1123" in p for p in iso)


def test_world_object_checks() -> None:
    assert tfb_verify.world_problems({"id": 3, "randomNumber": 10_000}) == []
    assert tfb_verify.world_problems({"id": 3, "randomnumber": 7}) == [
        "keys ['id', 'randomnumber'] != ['id', 'randomNumber']"
    ]
    assert tfb_verify.world_problems({"id": 0, "randomNumber": "7"}) == [
        "id 0 is not an int in 1..10000",
        "randomNumber '7' is not an int in 1..10000",
    ]
    worlds, problems = tfb_verify.world_list_problems(b'{"id": 1, "randomNumber": 1}', 1)
    assert worlds == [] and problems == ["top-level JSON is dict, not an array"]
