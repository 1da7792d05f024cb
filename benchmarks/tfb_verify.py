"""Check a TechEmpower app's responses against the test types' published requirements.

Importable (``tests/benchmarks/test_tfb_verifier.py`` runs it in-process through Surge's test
client) and used by ``run.py --suite tfb`` against each running server before any load. An app
that fails a check for a test type is not benchmarked on that type.

Stdlib only. ``fetch(path) -> (status, headers with lower-case names, body)`` is async, so the
same checks run through a test client or a real socket; ``read_worlds(ids) -> {id: randomnumber}``
reads the database directly, so /db, /queries and /updates are checked against real rows.

What is checked (TFB "Framework Tests Overview" and its toolset):

* every type: status 200, ``Content-Type`` exactly (JSON ``application/json`` with an optional
  ``charset=utf-8``, plaintext ``text/plain`` likewise, fortunes ``text/html; charset=utf-8``),
  ``Content-Length`` or ``Transfer-Encoding``; with ``server_headers`` (a real server) also
  ``Server`` and an RFC 1123 ``Date`` within a few seconds of now (not cached at startup);
* json: exactly ``{"message": "Hello, World!"}``; plaintext: exactly ``Hello, World!``;
* db: one object ``{"id", "randomNumber"}``, both ints in 1..10,000, equal to the row;
* queries / updates / cached-queries: ``queries`` (``count``) of 2, 20, 0 -> 1, foo -> 1,
  empty -> 1, absent -> 1, 501 -> 500: an array of that many such objects (db rows checked
  for /queries);
* updates: every returned number is what the row holds afterwards, and at least 90 % of the
  500 rows of ``queries=501`` changed;
* fortunes: the exact template structure (doctype, title, one header row, 13 rows), the 12 rows
  plus "Additional fortune added at request time." with id 0, sorted by message, every message
  HTML-escaped (the ``<script>`` row is text, not a tag) and the Japanese one intact.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from html.parser import HTMLParser

try:  # imported as a module of benchmarks/ (run.py) or as benchmarks.tfb_verify (tests)
    from tfb_setup import FORTUNES, WORLD_ROWS
except ImportError:  # pragma: no cover - path set by the caller
    from benchmarks.tfb_setup import FORTUNES, WORLD_ROWS  # type: ignore[no-redef]

Headers = Mapping[str, str]
Fetch = Callable[[str], Awaitable[tuple[int, Headers, bytes]]]
WorldReader = Callable[[Sequence[int]], Awaitable[dict[int, int]]]

TEST_TYPES = ("json", "plaintext", "db", "queries", "fortunes", "updates", "cached-queries")
# The path each type is loaded with (wrk), as the issue specifies.
LOAD_PATHS = {
    "json": "/json",
    "plaintext": "/plaintext",
    "db": "/db",
    "queries": "/queries?queries=20",
    "fortunes": "/fortunes",
    "updates": "/updates?queries=20",
    "cached-queries": "/cached-queries?count=20",
}
EXTRA_FORTUNE = "Additional fortune added at request time."
CONTENT_TYPES = {
    "json": re.compile(r"^application/json(; ?charset=utf-8)?$", re.I),
    "plaintext": re.compile(r"^text/plain(; ?charset=utf-8)?$", re.I),
    "html": re.compile(r"^text/html; ?charset=utf-8$", re.I),
}
# (query value, expected array length); None = the parameter is left out.
COUNT_CASES: tuple[tuple[str | None, int], ...] = (
    ("2", 2),
    ("20", 20),
    ("0", 1),
    ("foo", 1),
    ("", 1),
    (None, 1),
    ("501", 500),
)
DATE_SKEW_S = 5.0


def header_problems(headers: Headers, kind: str, *, server_headers: bool) -> list[str]:
    """What is wrong with the response headers for a response of ``kind`` (json/plaintext/html)."""
    problems = []
    ctype = headers.get("content-type")
    if ctype is None:
        problems.append("Content-Type missing")
    elif not CONTENT_TYPES[kind].match(ctype):
        problems.append(f"Content-Type {ctype!r} does not match {CONTENT_TYPES[kind].pattern}")
    if "content-length" not in headers and "transfer-encoding" not in headers:
        problems.append("neither Content-Length nor Transfer-Encoding")
    if server_headers:
        if not headers.get("server"):
            problems.append("Server header missing")
        problems += _date_problems(headers.get("date"))
    return problems


def _date_problems(date: str | None) -> list[str]:
    if not date:
        return ["Date header missing"]
    if not re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT", date):
        return [f"Date {date!r} is not RFC 1123 (e.g. 'Sun, 06 Nov 1994 08:49:37 GMT')"]
    try:
        stamp = email.utils.parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return [f"Date {date!r} does not parse"]
    if abs(stamp - time.time()) > DATE_SKEW_S:
        return [f"Date {date!r} is more than {DATE_SKEW_S:g} s from now (cached?)"]
    return []


def world_problems(obj: object) -> list[str]:
    """A world object must be exactly {"id": int 1..10000, "randomNumber": int 1..10000}."""
    if not isinstance(obj, dict):
        return [f"expected a JSON object, got {str(obj)[:40]!r}"]
    if set(obj) != {"id", "randomNumber"}:
        return [f"keys {sorted(obj)} != ['id', 'randomNumber']"]
    problems = []
    for key in ("id", "randomNumber"):
        value = obj[key]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= WORLD_ROWS:
            problems.append(f"{key} {value!r} is not an int in 1..{WORLD_ROWS}")
    return problems


def _json(body: bytes) -> tuple[object, list[str]]:
    try:
        return json.loads(body), []
    except ValueError:
        return None, [f"body is not JSON: {body[:80]!r}"]


def world_list_problems(body: bytes, expected_len: int) -> tuple[list[dict[str, int]], list[str]]:
    """An array of ``expected_len`` world objects (the first five bad items are reported)."""
    data, problems = _json(body)
    if problems:
        return [], problems
    if not isinstance(data, list):
        return [], [f"top-level JSON is {type(data).__name__}, not an array"]
    if len(data) != expected_len:
        problems.append(f"array of {len(data)} items, expected {expected_len}")
    bad = [p for item in data for p in world_problems(item)]
    return (data if not bad else []), problems + bad[:5]


class _FortuneParser(HTMLParser):
    """Collects the tag sequence and the text of every cell (character references resolved)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.doctype: str | None = None
        self.title = ""
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_title = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_title:
            self.title += data


def expected_fortune_rows() -> list[list[str]]:
    """The 12 fortunes plus the request-time one, sorted by message, as [id, message] cells."""
    rows = sorted([*FORTUNES, (0, EXTRA_FORTUNE)], key=lambda r: r[1])
    return [[str(i), m] for i, m in rows]


def fortunes_problems(body: bytes) -> list[str]:
    """The body must be the TFB template filled with the sorted, escaped fortunes."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return ["body is not UTF-8"]
    parser = _FortuneParser()
    parser.feed(text)
    parser.close()
    problems = []
    if parser.doctype != "doctype html":
        problems.append(f"doctype {parser.doctype!r} != 'DOCTYPE html'")
    n = len(FORTUNES) + 1
    want_tags = ["html", "head", "title", "/title", "/head", "body", "table"]
    want_tags += ["tr", "th", "/th", "th", "/th", "/tr"]
    want_tags += ["tr", "td", "/td", "td", "/td", "/tr"] * n + ["/table", "/body", "/html"]
    if parser.tags != want_tags:
        extra = sorted(set(parser.tags) - set(want_tags))
        hint = f" (unexpected tags {extra}: a message not escaped?)" if extra else ""
        problems.append(f"tag structure differs from the TFB template{hint}")
    if parser.title.strip() != "Fortunes":
        problems.append(f"title {parser.title!r} != 'Fortunes'")
    rows = parser.rows
    if not rows or rows[0] != ["id", "message"]:
        problems.append(f"header row {rows[0] if rows else None!r} != ['id', 'message']")
    want_rows = expected_fortune_rows()
    got_rows = rows[1:]
    if got_rows != want_rows:
        diffs = [
            f"row {k}: {g!r} != {w!r}"
            for k, (g, w) in enumerate(zip(got_rows, want_rows, strict=False))
            if g != w
        ]
        problems.append(
            f"{len(got_rows)} rows, expected {len(want_rows)} sorted by message; " + "; ".join(diffs[:3])
        )
    if "<script>" in text:
        problems.append("the <script> fortune is not HTML-escaped")
    return problems


class _Run:
    def __init__(self, fetch: Fetch, server_headers: bool) -> None:
        self.fetch = fetch
        self.server_headers = server_headers

    async def get(self, path: str, kind: str, problems: list[str]) -> tuple[int, bytes] | None:
        try:
            status, headers, body = await self.fetch(path)
        except Exception as exc:  # noqa: BLE001 - reported as a failed check
            problems.append(f"GET {path}: request failed: {exc!r}")
            return None
        headers = {k.lower(): v for k, v in headers.items()}
        if status != 200:
            problems.append(f"GET {path}: status {status} (body {body[:100]!r})")
            return None
        problems += [
            f"GET {path}: {p}" for p in header_problems(headers, kind, server_headers=self.server_headers)
        ]
        return status, body


async def _check_rows(read_worlds: WorldReader | None, worlds: list[dict[str, int]], path: str) -> list[str]:
    if read_worlds is None or not worlds:
        return []
    db_rows = await read_worlds([w["id"] for w in worlds])
    wrong = [w for w in worlds if db_rows.get(w["id"]) != w["randomNumber"]]
    return (
        [
            f"GET {path}: {len(wrong)} rows differ from the database, e.g. {wrong[0]} vs {db_rows.get(wrong[0]['id'])}"
        ]
        if wrong
        else []
    )


async def _check_json(run: _Run) -> list[str]:
    problems: list[str] = []
    got = await run.get("/json", "json", problems)
    if got:
        data, bad = _json(got[1])
        problems += bad
        if not bad and data != {"message": "Hello, World!"}:
            problems.append(f"GET /json: {data!r} != {{'message': 'Hello, World!'}}")
    return problems


async def _check_plaintext(run: _Run) -> list[str]:
    problems: list[str] = []
    got = await run.get("/plaintext", "plaintext", problems)
    if got and got[1] != b"Hello, World!":
        problems.append(f"GET /plaintext: body {got[1][:60]!r} != b'Hello, World!'")
    return problems


async def _check_db(run: _Run, read_worlds: WorldReader | None) -> list[str]:
    problems: list[str] = []
    got = await run.get("/db", "json", problems)
    if got:
        data, bad = _json(got[1])
        bad = bad or world_problems(data)
        problems += [f"GET /db: {p}" for p in bad]
        if not bad:
            problems += await _check_rows(read_worlds, [data], "/db")  # type: ignore[list-item]
    return problems


async def _check_counts(run: _Run, base: str, param: str, read_worlds: WorldReader | None) -> list[str]:
    problems: list[str] = []
    for value, expected in COUNT_CASES:
        path = base if value is None else f"{base}?{param}={value}"
        got = await run.get(path, "json", problems)
        if got:
            worlds, bad = world_list_problems(got[1], expected)
            problems += [f"GET {path}: {p}" for p in bad]
            problems += await _check_rows(read_worlds, worlds, path)
    return problems


async def _check_updates(run: _Run, read_worlds: WorldReader | None) -> list[str]:
    problems = await _check_counts(run, "/updates", "queries", None)
    if read_worlds is None:
        return problems
    before = await read_worlds(range(1, WORLD_ROWS + 1))  # type: ignore[arg-type]
    path = "/updates?queries=501"
    got = await run.get(path, "json", problems)
    if got:
        worlds, bad = world_list_problems(got[1], 500)
        problems += [f"GET {path}: {p}" for p in bad]
        if worlds:
            after = await read_worlds([w["id"] for w in worlds])
            stale = [w for w in worlds if after.get(w["id"]) != w["randomNumber"]]
            if stale:
                problems.append(f"GET {path}: {len(stale)} of 500 returned numbers are not in the database")
            changed = sum(1 for w in worlds if after.get(w["id"]) != before.get(w["id"]))
            if changed < 450:
                problems.append(f"GET {path}: only {changed} of 500 rows changed in the database")
    return problems


async def _check_fortunes(run: _Run) -> list[str]:
    problems: list[str] = []
    got = await run.get("/fortunes", "html", problems)
    if got:
        problems += [f"GET /fortunes: {p}" for p in fortunes_problems(got[1])]
    return problems


async def verify_app(
    fetch: Fetch,
    *,
    read_worlds: WorldReader | None = None,
    server_headers: bool = True,
    types: Iterable[str] = TEST_TYPES,
) -> dict[str, list[str]]:
    """Run the checks of each test type; returns type -> problems (an empty list: it passes).

    ``server_headers=False`` skips ``Server``/``Date`` (added by the HTTP server, absent in-process).
    Without ``read_worlds`` the database contents are not compared.
    """
    run = _Run(fetch, server_headers)
    checks: dict[str, Callable[[], Awaitable[list[str]]]] = {
        "json": lambda: _check_json(run),
        "plaintext": lambda: _check_plaintext(run),
        "db": lambda: _check_db(run, read_worlds),
        "queries": lambda: _check_counts(run, "/queries", "queries", read_worlds),
        "fortunes": lambda: _check_fortunes(run),
        "cached-queries": lambda: _check_counts(run, "/cached-queries", "count", None),
        "updates": lambda: _check_updates(run, read_worlds),
    }
    results: dict[str, list[str]] = {}
    for name in types:
        if name not in checks:
            raise ValueError(f"unknown TFB test type {name!r}; choose from {', '.join(TEST_TYPES)}")
        results[name] = await checks[name]()
    return results


def asyncpg_world_reader(dsn: str) -> WorldReader:
    """A ``read_worlds`` that reads the rows with asyncpg (a connection per call)."""

    async def read_worlds(ids: Sequence[int]) -> dict[int, int]:
        import asyncpg

        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch("SELECT id, randomnumber FROM world WHERE id = ANY($1::int[])", list(ids))
        finally:
            await conn.close()
        return {row[0]: row[1] for row in rows}

    return read_worlds


def http_fetcher(host: str, port: int, timeout: float = 30.0) -> Fetch:
    """A ``fetch`` over a real socket (one connection per request, in a thread)."""
    import asyncio
    import http.client

    def get(path: str) -> tuple[int, Headers, bytes]:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    async def fetch(path: str) -> tuple[int, Headers, bytes]:
        return await asyncio.to_thread(get, path)

    return fetch
