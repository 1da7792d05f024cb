"""A real PyJolt app, renamed to Surge, behaves exactly as it does on PyJolt 0.111.12.

The app (tests/compat/app, written only against PyJolt's API) is run by tests/compat/drive.py:
CLI commands in subprocesses (migrations of two databases, user creation, reports), then a
scripted HTTP conversation (login cookie, CRUD, validation, roles, background email to a local
SMTP server, scheduler). Surge's transcript must equal the golden one recorded from PyJolt,
tests/compat/pyjolt_transcript.json. Regenerate the golden file with scripts/pyjolt_compat.sh
(never edit it by hand). When the PyJolt venv exists (SURGE_PYJOLT_PYTHON, default
/tmp/pjvenv/bin/python) PyJolt is also run live and compared.

Steps where Surge deliberately differs from PyJolt are listed in KNOWN_DIFFERENCES (with the
reason, also in docs/pyjolt.md) and checked for Surge's own behaviour instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "pyjolt_transcript.json"
PYJOLT_PYTHON = Path(os.environ.get("SURGE_PYJOLT_PYTHON", "/tmp/pjvenv/bin/python"))

KNOWN_DIFFERENCES: dict[str, str] = {
    "cors preflight": (
        "PyJolt routes before its CORS middleware runs, so a preflight to a route without an "
        "OPTIONS handler answers 404; Surge answers the preflight."
    ),
    "get item 2**64": (
        "PyJolt hands a 20-digit id to the database driver, which overflows: 500. Surge bounds "
        "int parameters to 64 bits and answers 422 naming the parameter."
    ),
    "me without cookie": (
        "PyJolt answers a missing login with 403 and a missing role with 401; Surge uses the HTTP "
        "meanings, 401 for no login and 403 for a missing role. The bodies are the same."
    ),
    "me after logout": "The same as 'me without cookie': 401 for no login, same body.",
    "delete item 2 as user": "403 for a missing role (PyJolt: 401), same body with the roles.",
    "create wrong content type": (
        "Both answer 415; Surge's body is its one documented error shape "
        "({status, message}) instead of PyJolt's {detail, expected, received}."
    ),
    "patch item 1": (
        "PyJolt answers a method the path does not serve with 404 'Endpoint not found'; Surge "
        "answers 405 with an Allow header."
    ),
}


# Cookie attributes Surge adds on purpose (docs/core.md: set_cookie is HttpOnly and SameSite=Lax
# by default; a deletion repeats the flags and adds an Expires in the past for old clients).
ADDED_COOKIE_ATTRS = ("samesite=lax", "httponly", "expires=thu, 01 jan 1970 00:00:00 gmt")


def without_added_cookie_attrs(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None or "set_cookie" not in entry:
        return entry
    cookies = [{**c, "attrs": [a for a in c["attrs"] if a not in ADDED_COOKIE_ATTRS]}
               for c in entry["set_cookie"]]
    return {**entry, "set_cookie": cookies}


def run_driver(python: Path | str, framework: str) -> list[dict[str, Any]]:
    """Runs drive.py under ``python``; the transcript goes to a file (PyJolt prints a banner)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "transcript.json"
        proc = subprocess.run([str(python), str(HERE / "drive.py"), framework, "--out", str(out)],
                              capture_output=True, text=True, timeout=600, check=False)
        assert proc.returncode == 0, proc.stderr[-3000:]
        transcript: list[dict[str, Any]] = json.loads(out.read_text())
    return transcript


def differences(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[str]:
    """Human-readable list of steps whose answers differ (known differences skipped)."""
    by_step = {entry["step"]: entry for entry in actual}
    problems: list[str] = []
    for entry in expected:
        step = entry["step"]
        if step in KNOWN_DIFFERENCES:
            continue
        got = by_step.get(step)
        if without_added_cookie_attrs(got) != without_added_cookie_attrs(entry):
            problems.append(f"{step}:\n  pyjolt: {json.dumps(entry, sort_keys=True)}\n"
                            f"  surge:  {json.dumps(got, sort_keys=True)}")
    extra = sorted(set(by_step) - {e["step"] for e in expected})
    problems.extend(f"{step}: only in Surge's transcript: {by_step[step]}" for step in extra)
    return problems


@pytest.fixture(scope="module")
def surge_transcript() -> list[dict[str, Any]]:
    return run_driver(sys.executable, "surge")


def test_surge_transcript_matches_golden_pyjolt_transcript(
        surge_transcript: list[dict[str, Any]]) -> None:
    golden = json.loads(GOLDEN.read_text())
    problems = differences(golden, surge_transcript)
    assert not problems, "\n".join(problems)


def test_cors_preflight_is_answered_without_wildcard_credentials(
        surge_transcript: list[dict[str, Any]]) -> None:
    preflight = next(e for e in surge_transcript if e["step"] == "cors preflight")
    assert preflight.get("status", 500) < 300, preflight
    headers = preflight["headers"]
    assert headers.get("access-control-allow-origin") in ("http://localhost:3000", "*"), preflight
    if headers.get("access-control-allow-origin") == "*":
        assert headers.get("access-control-allow-credentials") != "true", preflight


def test_out_of_range_int_route_parameter_is_a_client_error(
        surge_transcript: list[dict[str, Any]]) -> None:
    huge = next(e for e in surge_transcript if e["step"] == "get item 2**64")
    assert huge.get("status") == 422, huge


def test_wrong_method_is_405_with_allow(surge_transcript: list[dict[str, Any]]) -> None:
    patch = next(e for e in surge_transcript if e["step"] == "patch item 1")
    assert patch.get("status") == 405, patch
    assert "PUT" in patch["headers"].get("allow", ""), patch


@pytest.mark.parametrize(("step", "status"), [
    ("me without cookie", 401), ("me after logout", 401), ("delete item 2 as user", 403)])
def test_auth_refusals_keep_the_body_with_the_http_status(
        surge_transcript: list[dict[str, Any]], step: str, status: int) -> None:
    golden = next(e for e in json.loads(GOLDEN.read_text()) if e["step"] == step)
    ours = next(e for e in surge_transcript if e["step"] == step)
    assert (ours["status"], ours["body"]) == (status, golden["body"])


def test_unsupported_media_type_is_415_in_the_one_error_shape(
        surge_transcript: list[dict[str, Any]]) -> None:
    ours = next(e for e in surge_transcript if e["step"] == "create wrong content type")
    assert ours["status"] == 415
    assert ours["body"]["status"] == "error" and "application/json" in ours["body"]["message"]


@pytest.mark.skipif(not PYJOLT_PYTHON.exists(), reason=f"no PyJolt venv at {PYJOLT_PYTHON}")
def test_live_pyjolt_run_matches_golden_and_surge(
        surge_transcript: list[dict[str, Any]]) -> None:
    live = run_driver(PYJOLT_PYTHON, "pyjolt")
    assert live == json.loads(GOLDEN.read_text()), "golden is stale: run scripts/pyjolt_compat.sh"
    problems = differences(live, surge_transcript)
    assert not problems, "\n".join(problems)
