"""Endpoint definitions and response checks shared by run.py and inprocess_driver.py.

Stdlib only: this module is imported by the runner (Surge venv, Python 3.11)
and by the in-process driver running inside every peer venv (3.11 or 3.12).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

FRAMEWORKS = ["raw", "starlette", "fastapi", "litestar", "blacksheep", "pyjolt", "surge"]
# Distribution names used to report versions (None: nothing to report).
DISTRIBUTIONS = {
    "raw": None,
    "starlette": "starlette",
    "fastapi": "fastapi",
    "litestar": "litestar",
    "blacksheep": "blacksheep",
    "pyjolt": "pyjolt",
    "surge": "surge",
}
REFERENCES = ("raw", "fastapi")

ITEM_BODY = b'{"name":"widget","price":9.99,"tags":["a","b"]}'
JSON_HEADERS = (("content-type", "application/json"),)


@dataclass(frozen=True)
class Endpoint:
    """What the load generator sends for one benchmarked endpoint."""

    key: str
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    expected_status: int = 200
    wrk_script: str | None = None  # file name under benchmarks/wrk/
    only: tuple[str, ...] | None = None  # frameworks implementing it (None: every framework)


ENDPOINTS: dict[str, Endpoint] = {
    "plaintext": Endpoint("plaintext", "GET", "/plaintext"),
    "json": Endpoint("json", "GET", "/json"),
    "users": Endpoint("users", "GET", "/users/42"),
    "items": Endpoint("items", "POST", "/items", ITEM_BODY, JSON_HEADERS, 201, "post_items.lua"),
    "db": Endpoint("db", "GET", "/db"),
    "di": Endpoint("di", "GET", "/di", only=("surge",)),
}

# A framework-specific endpoint (e.g. Surge's GET /di) is declared with
# ``only=("surge",)``: the runner skips it for every other framework and shows
# "n/a" in their cells (its ratios to raw/FastAPI are then "–").


def endpoints_for(fw: str, keys: list[str]) -> list[str]:
    """The subset of endpoint keys that framework ``fw`` implements."""
    return [k for k in keys if ENDPOINTS[k].only is None or fw in ENDPOINTS[k].only]


@dataclass(frozen=True)
class Check:
    """One request/expected-response pair run before any load is applied."""

    endpoint: str  # the ENDPOINTS key this check gates
    name: str
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    status: int = 200
    content_type: str | None = None  # expected prefix of the content-type header
    text: str | None = None  # exact body text
    json_body: object = field(default=None)  # exact decoded JSON (None: not checked)


CHECKS: list[Check] = [
    Check("di", "di", "GET", "/di", content_type="application/json", json_body={"message": "Hello, World!"}),
    Check("plaintext", "plaintext", "GET", "/plaintext", content_type="text/plain", text="Hello, World!"),
    Check(
        "json",
        "json",
        "GET",
        "/json",
        content_type="application/json",
        json_body={"message": "Hello, World!"},
    ),
    *(
        Check(
            "users",
            f"users/{n}",
            "GET",
            f"/users/{n}",
            content_type="application/json",
            json_body={"id": n, "name": f"user{n}"},
        )
        for n in (42, 7)
    ),
    Check(
        "items",
        "items valid",
        "POST",
        "/items",
        ITEM_BODY,
        JSON_HEADERS,
        201,
        content_type="application/json",
        json_body={"name": "widget", "price": 9.99, "tags": ["a", "b"]},
    ),
    Check(
        "items",
        "items default tags",
        "POST",
        "/items",
        b'{"name":"gadget","price":3}',
        JSON_HEADERS,
        201,
        content_type="application/json",
        json_body={"name": "gadget", "price": 3.0, "tags": []},
    ),
    Check("items", "items missing price -> 422", "POST", "/items", b'{"name":"x"}', JSON_HEADERS, 422),
    Check(
        "items",
        "items bad types -> 422",
        "POST",
        "/items",
        b'{"name":"x","price":"not-a-number","tags":"nope"}',
        JSON_HEADERS,
        422,
    ),
    Check(
        "db",
        "db",
        "GET",
        "/db",
        content_type="application/json",
        json_body=[{"id": i, "name": f"row{i}"} for i in range(1, 11)],
    ),
]


def verify(check: Check, status: int, headers: dict[str, str], body: bytes) -> str | None:
    """Return None when the response matches ``check``, else a short reason."""
    if status != check.status:
        return f"status {status} != {check.status} (body {body[:120]!r})"
    if check.content_type is not None:
        ctype = headers.get("content-type", "")
        if not ctype.lower().startswith(check.content_type):
            return f"content-type {ctype!r} does not start with {check.content_type!r}"
    if check.text is not None and body.decode("utf-8", "replace") != check.text:
        return f"body {body[:120]!r} != {check.text!r}"
    if check.json_body is not None:
        try:
            got = json.loads(body)
        except ValueError:
            return f"body is not JSON: {body[:120]!r}"
        if got != check.json_body:
            return f"JSON {got!r} != {check.json_body!r}"
    return None
