"""The demo app on a real granian server, under the hostile-input corpus (hostile_corpus.py).

No request may get a 5xx, none may take 5 seconds, and the server must still serve a normal
request afterwards; nothing may leak a file, escape the upload folder, inject a header or a
mail recipient.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hostile_corpus import BOTH_FRAMINGS, Case, build
from hostile_server import OWNER, Answer, DemoServer, demo_server, send_raw

pytestmark = pytest.mark.hostile

CASES = build()
SLOW = 5.0


def _files(root: Path) -> set[Path]:
    return {Path(folder) / name for folder, _, names in os.walk(root) for name in names}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    root = tmp_path_factory.mktemp("hostile")
    with demo_server(root) as running:
        yield running


@pytest.fixture(scope="module")
def results(server: DemoServer) -> dict[str, tuple[Case, Answer]]:
    """Every case sent once, in order, over its own connection."""
    demo_before = _files(Path(__file__).resolve().parents[2] / "examples" / "demo")
    answers = {}
    for case in CASES:
        answers[case.id] = (case, send_raw(server.port, list(case.request) if isinstance(case.request, tuple)
                                           else case.request, half_close=case.half_close))
    demo_after = _files(Path(__file__).resolve().parents[2] / "examples" / "demo")
    server.new_demo_files = demo_after - demo_before
    return answers


def _report(rows: list[tuple[Case, Answer]], server: DemoServer) -> str:
    lines = [f"{case.id}: status={answer.status} {answer.elapsed:.2f}s {answer.note} {answer.body[:160]!r}"
             for case, answer in rows]
    return f"{len(rows)} failing:\n" + "\n".join(lines) + "\n--- server log (tail) ---\n" + server.log()[-4000:]


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 200
    assert len({case.id for case in CASES}) == len(CASES), "case ids must be unique"


def test_no_server_errors(results: dict[str, tuple[Case, Answer]], server: DemoServer) -> None:
    failing = [(c, a) for c, a in results.values() if a.status is not None and a.status >= 500]
    assert not failing, _report(failing, server)


def test_nothing_takes_5_seconds(results: dict[str, tuple[Case, Answer]], server: DemoServer) -> None:
    failing = [(c, a) for c, a in results.values() if a.elapsed >= SLOW]
    assert not failing, _report(failing, server)


def test_well_framed_requests_get_an_answer(results: dict[str, tuple[Case, Answer]], server: DemoServer) -> None:
    failing = [(c, a) for c, a in results.values() if c.answer and a.status is None]
    assert not failing, _report(failing, server)


def test_no_leak_no_injected_header_no_offsite_redirect(results: dict[str, tuple[Case, Answer]],
                                                          server: DemoServer) -> None:
    failing = []
    for case, answer in results.values():
        names = {name for name, _ in answer.headers}
        location = answer.header("location") or ""
        if (b"root:x:0:0" in answer.body or b"SECRET_KEY" in answer.body or "x-injected" in names
                or any("injected" in value for name, value in answer.headers if name == "set-cookie")
                or (location and (not location.startswith("/") or location.startswith(("//", "/\\"))))):
            failing.append((case, answer))
    assert not failing, _report(failing, server)


def test_content_length_with_transfer_encoding_ends_the_connection(results: dict[str, tuple[Case, Answer]],
                                                                   server: DemoServer) -> None:
    """Both framings at once: refused (400, Surge under a server that passes both) or answered
    once and closed (granian drops Content-Length, reads the chunks, then closes), so a second
    request hidden behind the chunked body is never read."""
    failing = [results[case_id] for case_id in BOTH_FRAMINGS
               if not (results[case_id][1].status == 400 or results[case_id][1].header("connection") == "close")]
    assert not failing, _report(failing, server)


def test_uploads_stay_in_the_upload_folder(results: dict[str, tuple[Case, Answer]], server: DemoServer) -> None:
    outside = [path for path in _files(server.root) if server.upload_dir not in path.parents
               and path.name not in ("demo.db", "server.log") and not path.name.startswith("demo.db-")]
    outside += list(server.new_demo_files)
    outside += [p for p in Path("/tmp").glob("hostile-escape*")]
    assert not outside


def test_no_mail_header_injection(results: dict[str, tuple[Case, Answer]], server: DemoServer) -> None:
    for recipients, message in server.smtp.messages:
        assert recipients == [OWNER], message[:500]
        headers = message.split(b"\r\n\r\n", 1)[0].lower()
        assert b"\nbcc:" not in headers and b"victim@" not in headers, message[:500]


def test_server_still_serves(results: dict[str, tuple[Case, Answer]], server: DemoServer) -> None:
    assert server.process.poll() is None, server.log()[-4000:]
    res = httpx.get(f"http://127.0.0.1:{server.port}/api/notes/", timeout=5)
    assert res.status_code == 200
    created = httpx.post(f"http://127.0.0.1:{server.port}/api/notes/", json={"title": "after the storm"}, timeout=5)
    assert created.status_code == 201


def test_forgeries_are_real(results: dict[str, tuple[Case, Answer]]) -> None:
    """The forging helpers make credentials the demo accepts, so the refusals above mean something."""
    assert results["forged-jwt:control: valid admin token (leaked key)"][1].status == 200
    assert results["forged-session:control: valid admin session (leaked key) admin api"][1].status == 200
    assert results["forged-jwt:tampered payload"][1].status == 401
    assert results["forged-session:tampered admin api"][1].status == 401
