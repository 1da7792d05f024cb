"""The hostile-input corpus: raw HTTP requests an attacker (or a broken client) sends to the demo app.

Each :class:`Case` is the exact bytes put on the wire. ``answer=False`` marks requests that
break HTTP framing itself: the server may refuse them by closing the connection. Everything
else must get an HTTP answer. No case may get a 5xx or take more than 5 seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

from hostile_server import MAX_CONTENT_LENGTH, SECRET_KEY


@dataclass(frozen=True)
class Case:
    category: str
    name: str
    request: bytes | tuple[bytes, ...]
    answer: bool = True  # False: garbage framing, closing the connection is a fine refusal
    half_close: bool = False  # the client shuts its sending side after the request

    @property
    def id(self) -> str:
        return f"{self.category}:{self.name}"


Headers = Iterable[tuple[str | bytes, str | bytes]]
JSON = ("Content-Type", "application/json")
FORM = ("Content-Type", "application/x-www-form-urlencoded")


def _b(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


def req(
    method: str | bytes,
    target: str | bytes,
    headers: Headers = (),
    body: bytes = b"",
    *,
    version: bytes = b"HTTP/1.1",
    host: bytes | None = b"127.0.0.1",
    length: bool = True,
) -> bytes:
    """One request: the Host header, ``Connection: close`` and a true Content-Length unless told otherwise."""
    lines = [_b(method) + b" " + _b(target) + b" " + version]
    if host is not None:
        lines.append(b"Host: " + host)
    names = set()
    for name, value in headers:
        names.add(_b(name).lower())
        lines.append(_b(name) + b": " + _b(value))
    if b"connection" not in names:
        lines.append(b"Connection: close")
    if length and body and b"content-length" not in names and b"transfer-encoding" not in names:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chunked(data: bytes, size: int = 65536) -> bytes:
    """``data`` in the chunked transfer coding, terminated."""
    out = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(out) + b"0\r\n\r\n"


def multipart(boundary: bytes, parts: Iterable[bytes], *, close: bool = True) -> bytes:
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--" + boundary + b"--\r\n" if close else b"")


def file_part(filename: bytes, content: bytes = b"data", name: bytes = b"document") -> bytes:
    return (b'Content-Disposition: form-data; name="' + name + b'"; filename="' + filename + b'"\r\n'
            b"Content-Type: text/plain\r\n\r\n" + content)


# -- forged credentials ------------------------------------------------------------------------------


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def jwt(claims: dict[str, object], *, key: bytes | None = None, alg: str = "HS256") -> bytes:
    """A JWT signed with ``key`` (default: the key the demo derives from its SECRET_KEY, as a leak would give)."""
    if key is None:
        key = hmac.new(SECRET_KEY.encode(), b"surge.auth.jwt", hashlib.sha256).digest()
    header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = _b64(json.dumps({"iat": int(time.time()) - 5, **claims}).encode())
    signing_input = header + b"." + payload
    if alg == "none":
        return signing_input + b"."
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    return signing_input + b"." + _b64(hmac.new(key, signing_input, digest).digest())


def session_cookie(data: object, *, expires_in: float = 3600) -> bytes:
    """A cookie-session value signed with the demo's SECRET_KEY (what a leaked key allows)."""
    from itsdangerous import Signer

    payload = json.dumps({"i": "forged-session-id", "e": time.time() + expires_in, "d": data}).encode()
    return Signer(SECRET_KEY, salt="surge.sessions.cookie").sign(base64.urlsafe_b64encode(payload))


# -- the categories ------------------------------------------------------------------------------


JSON_ENDPOINTS = [("POST", "/api/notes/"), ("POST", "/api/auth/token"), ("POST", "/api/v1/tasks"),
                  ("PUT", "/api/v1/tasks/1")]
MALFORMED_JSON = [
    b"", b"{", b"}", b"[", b"]", b"nul", b"tru", b"{'title': 'x'}", b'{"title":}', b'{"title": "x",}',
    b"\x00", b"\xff\xfe{}", b'{"title": "x"} trailing', b"\xef\xbb\xbf{\"title\": \"x\"}",
    b'{"title": NaN}', b'{"title": Infinity}', b'{"title": "a", "title": "b"}', b'"just a string"', b"[]",
    b"123", b'{"title": ["x"]}', b'{"title": {"a": 1}}', b'{"title": null}', b'{"title": "\\ud800"}',
    b'{"title": "\\u0000"}', b'{"title": "x", "body": "\xff\xfe"}', b'{"title": "\xc0\xaf"}', b"{" * 3 + b"}" * 2,
    b'{"title": "x"' + b" " * 100_000, b'{"title": "' + b"x" * 500_000 + b'"}',
]


def malformed_json() -> list[Case]:
    cases = []
    for method, target in JSON_ENDPOINTS:
        for index, body in enumerate(MALFORMED_JSON):
            cases.append(Case("malformed-json", f"{method} {target} #{index}", req(method, target, [JSON], body)))
    return cases


def deep_nesting() -> list[Case]:
    bodies = {
        "100k-open-brackets": b"[" * 100_000,
        "100k-closed-brackets": b"[" * 100_000 + b"]" * 100_000,
        "50k-objects": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "title-deep": b'{"title": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
        "body-deep-ok-title": b'{"title": "x", "body": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    }
    cases = [Case("deep-nesting", f"{name} {target}", req(method, target, [JSON], body))
             for name, body in bodies.items() for method, target in JSON_ENDPOINTS[:3:2]]
    cases.append(Case("deep-nesting", "deep query", req("GET", "/api/notes/?" + "q[" * 5000 + "=1")))
    cases.append(Case("deep-nesting", "deep form", req("POST", "/guestbook/", [FORM], b"a" + b"[a]" * 20_000 + b"=1")))
    return cases


HUGE = str(2**64 + 1)
HUGER = "9" * 5000


def huge_numbers() -> list[Case]:
    bodies = [b'{"title": "x", "done": ' + HUGE.encode() + b"}", b'{"title": "x", "done": 1e400}',
              b'{"title": ' + HUGE.encode() + b"}", b'{"title": 1e400}', b'{"title": -1e400}',
              b'{"title": "x", "version": ' + HUGE.encode() + b"}", b'{"title": "x", "done": ' + HUGER.encode() + b"}",
              b'{"title": "x", "body": 1.7976931348623157e309}', b'{"title": "x", "id": ' + HUGE.encode() + b"}"]
    cases = [Case("huge-numbers", f"{method} {target} body #{i}", req(method, target, [JSON], body))
             for i, body in enumerate(bodies) for method, target in (("POST", "/api/v1/tasks"), ("PUT", "/api/v1/tasks/1"),
                                                                       ("PATCH", "/api/v1/tasks/1"), ("POST", "/api/notes/"))]
    targets = [f"/api/notes/{HUGE}", f"/api/notes/-{HUGE}", f"/api/notes/{HUGER}", f"/api/v1/tasks/{HUGE}",
               f"/api/v1/tasks/{HUGER}", f"/api/notes/?limit={HUGE}", f"/api/notes/?limit=-{HUGE}",
               "/api/notes/?limit=1e400", f"/guestbook/?page={HUGE}", f"/guestbook/?page=-{HUGE}",
               "/guestbook/?page=1e400", "/guestbook/?page=0", f"/api/v1/tasks?page={HUGE}",
               "/api/v1/tasks?page=-1", f"/api/v1/tasks?page_size={HUGE}", "/api/v1/tasks?done=" + HUGE]
    cases += [Case("huge-numbers", f"GET {target[:60]}", req("GET", target)) for target in targets]
    cases.append(Case("huge-numbers", f"DELETE /api/v1/tasks/{HUGE}", req("DELETE", f"/api/v1/tasks/{HUGE}")))
    cases.append(Case("huge-numbers", f"DELETE /api/notes/{HUGE}", req("DELETE", f"/api/notes/{HUGE}")))
    return cases


def invalid_utf8() -> list[Case]:
    bad = b"\xff\xfe\xc0\xaf\xed\xa0\x80"
    cases = [
        Case("invalid-utf8", "json body", req("POST", "/api/notes/", [JSON], b'{"title": "' + bad + b'"}')),
        Case("invalid-utf8", "form body raw", req("POST", "/guestbook/", [FORM], b"name=" + bad + b"&message=hi")),
        Case("invalid-utf8", "form body encoded", req("POST", "/guestbook/", [FORM], b"name=%FF%FE&message=%C0%AF")),
        Case("invalid-utf8", "login form", req("POST", "/account/login", [FORM], b"username=%FF&password=" + bad)),
        Case("invalid-utf8", "contact form", req("POST", "/contact/", [FORM], b"name=%FF&email=a%40b&message=" + bad)),
        Case("invalid-utf8", "path raw", req("GET", b"/api/notes/" + bad), answer=False),
        Case("invalid-utf8", "path encoded", req("GET", "/api/notes/%FF%FE")),
        Case("invalid-utf8", "static path encoded", req("GET", "/static/%C0%AF%FF.css")),
        Case("invalid-utf8", "route param encoded", req("GET", "/api/v1/tasks/%ED%A0%80")),
        Case("invalid-utf8", "query raw", req("GET", b"/api/notes/?q=" + bad), answer=False),
        Case("invalid-utf8", "query encoded", req("GET", "/api/notes/?q=%FF%FE")),
        Case("invalid-utf8", "query name encoded", req("GET", "/api/notes/?%FF=1")),
        Case("invalid-utf8", "login next encoded", req("GET", "/account/login?next=%FF%C0%AF")),
        Case("invalid-utf8", "guestbook page encoded", req("GET", "/guestbook/?page=%FF")),
        Case("invalid-utf8", "header value", req("GET", "/", [("X-Anything", bad)])),
        Case("invalid-utf8", "cookie header", req("GET", "/account/", [("Cookie", b"session=" + bad)])),
        Case("invalid-utf8", "authorization", req("GET", "/api/admin/stats", [("Authorization", b"Bearer " + bad)])),
        Case("invalid-utf8", "content-type", req("POST", "/api/notes/", [("Content-Type", bad)], b"{}")),
        Case("invalid-utf8", "accept", req("GET", "/api/stats/", [("Accept", bad)])),
        Case("invalid-utf8", "accept-encoding", req("GET", "/static/style.css", [("Accept-Encoding", bad)])),
        Case("invalid-utf8", "if-none-match", req("GET", "/static/style.css", [("If-None-Match", bad)])),
        Case("invalid-utf8", "if-modified-since", req("GET", "/static/style.css", [("If-Modified-Since", bad)])),
        Case("invalid-utf8", "x-csrf-token", req("POST", "/account/logout", [("X-CSRF-Token", bad),
                                                                           ("Cookie", "session=x")])),
        Case("invalid-utf8", "origin", req("GET", "/api/notes/", [("Origin", bad)])),
        Case("invalid-utf8", "x-forwarded-for", req("POST", "/api/auth/token", [JSON, ("X-Forwarded-For", bad)], b"{}")),
    ]
    return cases


# A body that ends at once in the chunked coding; by its Content-Length it carries a second request.
SMUGGLED = b"0\r\n\r\nGET /api/notes/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
KEEP_ALIVE = ("Connection", "keep-alive")
BOTH_FRAMINGS = ("content-length:and transfer-encoding, both true",
                 "content-length:and transfer-encoding, CL.TE smuggling")


def lying_length() -> list[Case]:
    body = b'{"title": "lying", "body": "' + b"x" * 100 + b'"}'
    target = "/api/notes/"
    return [
        Case("content-length", "shorter than body", req("POST", target, [JSON, ("Content-Length", "10")], body),
             answer=False),
        Case("content-length", "longer than body, client stops", req("POST", target, [JSON, ("Content-Length", "5000")], body),
             half_close=True, answer=False),
        Case("content-length", "zero with body", req("POST", target, [JSON, ("Content-Length", "0")], body), answer=False),
        Case("content-length", "negative", req("POST", target, [JSON, ("Content-Length", "-5")], body), answer=False),
        Case("content-length", "not a number", req("POST", target, [JSON, ("Content-Length", "abc")], body), answer=False),
        Case("content-length", "hex", req("POST", target, [JSON, ("Content-Length", "0x10")], body), answer=False),
        Case("content-length", "two different", req("POST", target, [JSON, ("Content-Length", "10"),
                                                                   ("Content-Length", str(len(body)))], body), answer=False),
        Case("content-length", "list value", req("POST", target, [JSON, ("Content-Length", f"{len(body)}, {len(body)}")],
                                                body), answer=False),
        Case("content-length", "2**64", req("POST", target, [JSON, ("Content-Length", HUGE)], body), answer=False),
        Case("content-length", "over MAX_CONTENT_LENGTH, small body",
             req("POST", target, [JSON, ("Content-Length", str(MAX_CONTENT_LENGTH * 4))], body), half_close=True),
        Case("content-length", "over MAX to upload", req("POST", "/upload", [
            ("Content-Type", "multipart/form-data; boundary=b"), ("Content-Length", str(MAX_CONTENT_LENGTH + 1))], b"--b"),
             half_close=True),
        Case("content-length", "with transfer-encoding", req("POST", target, [JSON, ("Content-Length", "3"),
                                                                            ("Transfer-Encoding", "chunked")],
                                                            chunked(body)), answer=False),
        Case("content-length", "and transfer-encoding, both true", req("POST", target, [
            JSON, KEEP_ALIVE, ("Content-Length", str(len(chunked(body)))), ("Transfer-Encoding", "chunked")],
            chunked(body))),
        Case("content-length", "and transfer-encoding, CL.TE smuggling", req("POST", target, [
            JSON, KEEP_ALIVE, ("Content-Length", str(len(SMUGGLED))), ("Transfer-Encoding", "chunked")], SMUGGLED)),
        Case("content-length", "on GET", req("GET", "/api/notes/", [("Content-Length", "20")], b"x" * 20)),
        Case("content-length", "smuggled second request",
             req("POST", target, [JSON, ("Content-Length", str(len(body)))], body) + req("GET", "/../../etc/passwd"),
             answer=False),
    ]


def chunked_bodies() -> list[Case]:
    over = b'{"title": "big", "body": "' + b"x" * (MAX_CONTENT_LENGTH + 1000) + b'"}'
    te = ("Transfer-Encoding", "chunked")
    boundary = b"chunkedbound"
    big_upload = multipart(boundary, [file_part(b"big.bin", b"x" * (MAX_CONTENT_LENGTH + 1000))])
    form_over = b"name=x&message=" + b"y" * (MAX_CONTENT_LENGTH + 1000)
    return [
        Case("chunked", "json over max", req("POST", "/api/notes/", [JSON, te], chunked(over))),
        Case("chunked", "tasks json over max", req("POST", "/api/v1/tasks", [JSON, te], chunked(over))),
        Case("chunked", "token json over max", req("POST", "/api/auth/token", [JSON, te], chunked(over))),
        Case("chunked", "upload over max", req("POST", "/upload", [
            ("Content-Type", "multipart/form-data; boundary=chunkedbound"), te], chunked(big_upload))),
        Case("chunked", "form over max", req("POST", "/guestbook/", [FORM, te], chunked(form_over))),
        Case("chunked", "contact over max", req("POST", "/contact/", [FORM, te], chunked(form_over))),
        Case("chunked", "one byte chunks", req("POST", "/api/notes/", [JSON, te], chunked(b'{"title": "tiny"}', 1))),
        Case("chunked", "bad chunk size", req("POST", "/api/notes/", [JSON, te], b"zz\r\n{}\r\n0\r\n\r\n"), answer=False),
        Case("chunked", "huge chunk size", req("POST", "/api/notes/", [JSON, te], b"ffffffffffffffffffff\r\n{}\r\n"),
             answer=False, half_close=True),
        Case("chunked", "no final chunk", req("POST", "/api/notes/", [JSON, te], b"2\r\n{}\r\n"), answer=False,
             half_close=True),
        Case("chunked", "chunk extension", req("POST", "/api/notes/", [JSON, te], b"11;ext=1\r\n{\"title\": \"tiny\"}\r\n0\r\n\r\n"),
             answer=False),
        Case("chunked", "trailer", req("POST", "/api/notes/", [JSON, te], b"2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n"),
             answer=False),
        Case("chunked", "gzip coding", req("POST", "/api/notes/", [JSON, ("Transfer-Encoding", "gzip, chunked")],
                                           chunked(b"not gzip")), answer=False),
        Case("chunked", "unknown coding", req("POST", "/api/notes/", [JSON, ("Transfer-Encoding", "bogus")], b"{}"),
             answer=False),
        Case("chunked", "sent slowly in pieces", tuple(req("POST", "/api/notes/", [JSON, te], chunked(b'{"title": "x"}', 4))[i:i + 7]
                                                      for i in range(0, 200, 7))),
    ]


def headers() -> list[Case]:
    return [
        Case("headers", "1000 small headers", req("GET", "/", [(f"X-H{i}", "v") for i in range(1000)]), answer=False),
        Case("headers", "150 headers", req("GET", "/api/notes/", [(f"X-H{i}", "v") for i in range(150)]), answer=False),
        Case("headers", "one 100KB header", req("GET", "/", [("X-Big", "a" * 100_000)]), answer=False),
        Case("headers", "one 1MB header", req("GET", "/", [("X-Big", "a" * 1_000_000)]), answer=False),
        Case("headers", "16KB cookie", req("GET", "/account/", [("Cookie", "session=" + "a" * 16_000)]), answer=False),
        Case("headers", "1000 cookies", req("GET", "/account/", [("Cookie", "; ".join(f"c{i}=v" for i in range(1000)))]),
             answer=False),
        Case("headers", "cookie garbage", req("GET", "/account/", [("Cookie", ";;;=;=a;b=\"\\\";session")])),
        Case("headers", "no colon", req("GET", "/", [(b"NoColonHere", b"")]).replace(b"NoColonHere: ", b"NoColonHere"),
             answer=False),
        Case("headers", "space in name", req("GET", "/", [("Bad Name", "v")]), answer=False),
        Case("headers", "obs-fold", req("GET", "/", [("X-Folded", "a\r\n  b")]), answer=False),
        Case("headers", "empty name", req("GET", "/", [("", "v")]), answer=False),
        Case("headers", "NUL in value", req("GET", "/", [("X-Nul", b"a\x00b")]), answer=False),
        Case("headers", "accept odd", req("GET", "/api/stats/", [("Accept", "*/*;q=abc, text/html;q=1e400")])),
        Case("headers", "range garbage", req("GET", "/static/style.css", [("Range", "bytes=99999999999999999999-1")])),
        Case("headers", "range many", req("GET", "/static/style.css", [("Range", "bytes=" + ",".join(["0-1"] * 2000))])),
        Case("headers", "if-modified-since garbage", req("GET", "/static/style.css", [("If-Modified-Since", "Mon, 99 Foo 99999")])),
        Case("headers", "accept-encoding many", req("GET", "/", [("Accept-Encoding", ", ".join(["gzip;q=0.1"] * 3000))])),
        Case("headers", "content-type params", req("POST", "/api/notes/", [("Content-Type", "application/json; charset=ebcdic; "
                                                                               + "a=b;" * 2000)], b'{"title": "x"}')),
        Case("headers", "expect 100-continue", req("POST", "/api/notes/", [JSON, ("Expect", "100-continue")], b'{"title": "x"}')),
        Case("headers", "expect garbage", req("POST", "/api/notes/", [JSON, ("Expect", "500-panic")], b'{"title": "x"}'),
             answer=False),
        Case("headers", "upgrade websocket on page", req("GET", "/", [("Upgrade", "websocket"), ("Connection", "Upgrade")]),
             answer=False),
        Case("headers", "upgrade h2c", req("GET", "/", [("Upgrade", "h2c"), ("Connection", "Upgrade, HTTP2-Settings"),
                                                        ("HTTP2-Settings", "AAMAAABkAAQAAP__")]), answer=False),
        Case("headers", "x-forwarded spoof", req("GET", "/", [("X-Forwarded-Host", "evil.example"),
                                                              ("X-Forwarded-Proto", "gopher"), ("Forwarded", "for=;;")])),
        Case("headers", "origin null preflight", req("OPTIONS", "/api/notes/", [("Origin", "null"),
                                                                               ("Access-Control-Request-Method", "DELETE")])),
    ]


TRAVERSALS = [
    "/static/../../etc/passwd", "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%252e%252e/%252e%252e/etc/passwd", "/static/..\\..\\..\\etc\\passwd", "/static/..%5c..%5cetc%5cpasswd",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/....//....//etc/passwd", "/static/..%c0%af..%c0%afetc/passwd",
    "/static/%c0%ae%c0%ae/etc/passwd", "/static/./././../../../../etc/passwd", "/static/style.css/../../../etc/passwd",
    "/static/style.css%00.txt", "/static/%00", "/static/" + "a" * 4096, "/%2e%2e/%2e%2e/etc/passwd",
    "/static/..;/..;/etc/passwd", "/static/~root/.ssh/id_rsa", "/static/../app/configs.py", "/static/..%2fconfigs.py",
    "/static/%2e%2e%2fconfigs.py", "/static/../../../../../../proc/self/environ", "/static/file:///etc/passwd",
    "/../../etc/passwd", "/upload/../../etc/passwd", "/api/notes/../../../etc/passwd", "/static/.", "/static/..",
    "/static/", "/static", "/static/style.css/", "/static/STYLE.CSS", "/static/style.css::$DATA",
]
CONTROL_PATHS = [
    "/api/notes/%00", "/api/notes/1%00", "/api/v1/tasks/1%00", "/guestbook/%00", "/%00", "/account/login%00",
    "/api/notes/%01", "/api/notes/%7f", "/api/notes/%09", "/api/notes/1%0b", "/account/%08", "/static/style%00.css",
]


def traversal() -> list[Case]:
    cases = [Case("traversal", target[:70], req("GET", target)) for target in TRAVERSALS]
    cases += [Case("control-chars", target, req("GET", target)) for target in CONTROL_PATHS]
    cases += [Case("control-chars", f"raw {name}", req("GET", b"/api/notes/" + char), answer=False)
              for name, char in (("NUL", b"\x00"), ("SOH", b"\x01"), ("DEL", b"\x7f"), ("TAB", b"\ta"), ("BS", b"\x08"))]
    return cases


def crlf() -> list[Case]:
    inject = "%0D%0AX-Injected:%201%0D%0ASet-Cookie:%20injected=1"
    return [
        Case("crlf", "path encoded", req("GET", "/account/" + inject)),
        Case("crlf", "path raw", req("GET", b"/account/\r\nX-Injected: 1"), answer=False),
        Case("crlf", "query encoded", req("GET", "/api/notes/?q=" + inject)),
        Case("crlf", "query name", req("GET", "/api/notes/?" + inject + "=1")),
        Case("crlf", "login page next", req("GET", "/account/login?next=" + inject)),
        Case("crlf", "login page next script", req("GET", "/account/login?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")),
        Case("crlf", "protected page redirect", req("GET", "/account/" + inject + "/x")),
        Case("crlf", "header value raw", req("GET", "/", [("X-Anything", b"a\rX-Injected: 1")]), answer=False),
        Case("crlf", "header value lf", req("GET", "/", [("X-Anything", b"a\nX-Injected: 1")]), answer=False),
        Case("crlf", "cookie crlf", req("GET", "/account/", [("Cookie", "session=a%0D%0AX-Injected:%201")])),
        Case("crlf", "guestbook fields", req("POST", "/guestbook/", [FORM], b"name=a" + inject.encode() + b"&message=b%0D%0A")),
        Case("crlf", "contact name header injection", req("POST", "/contact/", [FORM],
             b"name=Eve%0D%0ABcc:%20victim@evil.example&email=eve%40evil.example&message=hi")),
        Case("crlf", "contact email header injection", req("POST", "/contact/", [FORM],
             b"name=Eve&email=eve%40evil.example%0D%0ABcc:%20victim@evil.example&message=hi")),
        Case("crlf", "contact email lf only", req("POST", "/contact/", [FORM],
             b"name=Eve&email=eve%40evil.example%0ABcc:victim@evil.example&message=hi")),
        Case("crlf", "contact name lf only", req("POST", "/contact/", [FORM],
             b"name=Eve%0ABcc:%20victim@evil.example&email=eve%40evil.example&message=hi")),
        Case("crlf", "login next crlf", req("POST", "/account/login", [FORM],
             b"username=bob&password=wrong&next=/%0D%0AX-Injected:%201")),
        Case("crlf", "notes json title", req("POST", "/api/notes/", [JSON], b'{"title": "a\\r\\nX-Injected: 1"}')),
        Case("crlf", "tasks search", req("GET", "/api/v1/tasks?search=" + inject)),
        Case("crlf", "tasks ordering", req("GET", "/api/v1/tasks?ordering=" + inject)),
        Case("crlf", "absolute target crlf", req("GET", "http://127.0.0.1/%0D%0AX-Injected:%201")),
    ]


def forged_credentials() -> list[Case]:
    now = int(time.time())
    valid = jwt({"sub": "2", "exp": now + 600})
    header, payload, signature = valid.split(b".")
    tampered_payload = _b64(json.dumps({"sub": "1", "exp": now + 600}).encode())
    tokens = {
        "control: valid admin token (leaked key)": jwt({"sub": "1", "exp": now + 600}),
        "garbage": b"garbage",
        "empty": b"",
        "three dots": b"...",
        "alg none admin": jwt({"sub": "1", "exp": now + 600}, alg="none"),
        "tampered payload": header + b"." + tampered_payload + b"." + signature,
        "tampered signature": header + b"." + payload + b"." + signature[::-1],
        "wrong key": jwt({"sub": "1", "exp": now + 600}, key=b"k" * 32),
        "HS512 right key": jwt({"sub": "1", "exp": now + 600}, alg="HS512"),
        "expired": jwt({"sub": "1", "exp": now - 600}),
        "not yet valid": jwt({"sub": "1", "exp": now + 600, "nbf": now + 300}),
        "sub not a number": jwt({"sub": "abc", "exp": now + 600}),
        "sub missing": jwt({"exp": now + 600}),
        "sub list": jwt({"sub": ["1"], "exp": now + 600}),
        "sub dict": jwt({"sub": {"id": 1}, "exp": now + 600}),
        "sub huge": jwt({"sub": "9" * 5000, "exp": now + 600}),
        "sub float": jwt({"sub": 1.5, "exp": now + 600}),
        "sub null": jwt({"sub": None, "exp": now + 600}),
        "exp string": jwt({"sub": "1", "exp": "soon"}),
        "exp huge": jwt({"sub": "1", "exp": 10**30}),
        "header not json": _b64(b"{not json") + b"." + payload + b"." + signature,
        "payload not base64": header + b".!!!!." + signature,
        "100KB token": b"a" * 100_000,
    }
    cases = [Case("forged-jwt", name, req("GET", "/api/admin/stats", [("Authorization", b"Bearer " + token)]))
             for name, token in tokens.items()]
    cases += [
        Case("forged-jwt", "basic scheme", req("GET", "/api/admin/stats", [("Authorization", "Basic Ym9iOmJvYg==")])),
        Case("forged-jwt", "bearer only", req("GET", "/api/admin/stats", [("Authorization", "Bearer")])),
        Case("forged-jwt", "two authorization headers", req("GET", "/api/admin/stats", [
            ("Authorization", b"Bearer " + valid), ("Authorization", b"Bearer garbage")])),
    ]
    sessions = {
        "control: valid admin session (leaked key)": session_cookie({"user_id": 1}),
        "garbage": b"garbage",
        "tampered": session_cookie({"user_id": 2})[:-3] + b"AAA",
        "user id string": session_cookie({"user_id": "abc"}),
        "user id list": session_cookie({"user_id": [1]}),
        "user id dict": session_cookie({"user_id": {"a": 1}}),
        "user id huge": session_cookie({"user_id": 10**30}),
        "user id float": session_cookie({"user_id": 1.0e308}),
        "user id null": session_cookie({"user_id": None}),
        "expired": session_cookie({"user_id": 1}, expires_in=-10),
        "data not a dict": session_cookie(["user_id", 1]),
        "csrf secret wrong type": session_cookie({"_csrf": 12345, "user_id": 2}),
        "flashes wrong type": session_cookie({"_flashes": "not a list", "user_id": 2}),
        "flashes odd items": session_cookie({"_flashes": [1, None, ["a"]], "user_id": 2}),
    }
    for name, value in sessions.items():
        cookie = ("Cookie", b"session=" + value)
        cases.append(Case("forged-session", f"{name} GET /account", req("GET", "/account/", [cookie])))
        cases.append(Case("forged-session", f"{name} admin api", req("GET", "/api/admin/stats", [cookie])))
        cases.append(Case("forged-session", f"{name} logout", req("POST", "/account/logout", [cookie])))
    csrf = {"garbage": "garbage", "empty": "", "long": "A" * 10_000, "bad base64": "!!!!", "right length": "A" * 86}
    for name, token in csrf.items():
        cookie = ("Cookie", b"session=" + session_cookie({"user_id": 2, "_csrf": "c2VjcmV0"}))
        cases.append(Case("forged-csrf", f"{name} header", req("POST", "/account/logout", [cookie, ("X-CSRF-Token", token)])))
        cases.append(Case("forged-csrf", f"{name} form", req("POST", "/account/login", [cookie, FORM],
                                                             f"username=bob&password=x&csrf_token={token}".encode())))
    return cases


def bad_multipart() -> list[Case]:
    ct = ("Content-Type", "multipart/form-data; boundary=xyz")
    good_part = file_part(b"ok.txt")
    big = MAX_CONTENT_LENGTH + 10
    return [
        Case("multipart", "no boundary", req("POST", "/upload", [("Content-Type", "multipart/form-data")],
                                             multipart(b"xyz", [good_part]))),
        Case("multipart", "empty boundary", req("POST", "/upload", [("Content-Type", "multipart/form-data; boundary=")],
                                                multipart(b"", [good_part]))),
        Case("multipart", "boundary 200 chars", req("POST", "/upload", [
            ("Content-Type", "multipart/form-data; boundary=" + "b" * 200)], multipart(b"b" * 200, [good_part]))),
        Case("multipart", "boundary mismatch", req("POST", "/upload", [ct], multipart(b"other", [good_part]))),
        Case("multipart", "unterminated", req("POST", "/upload", [ct], multipart(b"xyz", [good_part], close=False))),
        Case("multipart", "unterminated part", req("POST", "/upload", [ct], b"--xyz\r\n" + good_part)),
        Case("multipart", "only closing", req("POST", "/upload", [ct], b"--xyz--\r\n")),
        Case("multipart", "no content-disposition", req("POST", "/upload", [ct], multipart(b"xyz", [b"\r\ndata"]))),
        Case("multipart", "disposition without name", req("POST", "/upload", [ct], multipart(b"xyz", [
            b'Content-Disposition: form-data; filename="a.txt"\r\n\r\ndata']))),
        Case("multipart", "garbage disposition", req("POST", "/upload", [ct], multipart(b"xyz", [
            b"Content-Disposition: ;;;===\"\r\n\r\ndata"]))),
        Case("multipart", "filename dot dot", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"..")]))),
        Case("multipart", "filename dot", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b".")]))),
        Case("multipart", "filename traversal", req("POST", "/upload", [ct], multipart(b"xyz", [
            file_part(b"../../hostile-escape.txt")]))),
        Case("multipart", "filename absolute", req("POST", "/upload", [ct], multipart(b"xyz", [
            file_part(b"/tmp/hostile-escape-abs.txt")]))),
        Case("multipart", "filename backslashes", req("POST", "/upload", [ct], multipart(b"xyz", [
            file_part(b"..\\..\\hostile-escape-win.txt")]))),
        Case("multipart", "filename encoded traversal", req("POST", "/upload", [ct], multipart(b"xyz", [
            file_part(b"..%2f..%2fhostile-escape-enc.txt")]))),
        Case("multipart", "filename empty", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"")]))),
        Case("multipart", "filename slash", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"/")]))),
        Case("multipart", "filename NUL", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"a\x00.txt")]))),
        Case("multipart", "filename control chars", req("POST", "/upload", [ct], multipart(b"xyz", [
            file_part(b"a\x01\x7f\x1b[31m.txt")]))),
        Case("multipart", "filename CRLF", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"a\r\nX: y.txt")]))),
        Case("multipart", "filename invalid utf8", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"\xff\xfe.txt")]))),
        Case("multipart", "filename 5000 chars", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"a" * 5000)]))),
        Case("multipart", "filename* rfc5987 traversal", req("POST", "/upload", [ct], multipart(b"xyz", [
            b"Content-Disposition: form-data; name=\"document\"; filename*=UTF-8''..%2F..%2Fhostile-star.txt\r\n\r\nx"]))),
        Case("multipart", "huge part", req("POST", "/upload", [ct], multipart(b"xyz", [file_part(b"big.bin", b"x" * big)]))),
        Case("multipart", "huge text field", req("POST", "/upload", [ct], multipart(b"xyz", [
            good_part, b'Content-Disposition: form-data; name="description"\r\n\r\n' + b"d" * big]))),
        Case("multipart", "2000 parts", req("POST", "/upload", [ct], multipart(b"xyz", [
            b'Content-Disposition: form-data; name="f%d"\r\n\r\nv' % i for i in range(2000)] + [good_part]))),
        Case("multipart", "two files same field", req("POST", "/upload", [ct], multipart(b"xyz", [good_part, good_part]))),
        Case("multipart", "file as text field", req("POST", "/upload", [ct], multipart(b"xyz", [
            b'Content-Disposition: form-data; name="document"\r\n\r\nnot a file']))),
        Case("multipart", "header line 100KB", req("POST", "/upload", [ct], multipart(b"xyz", [
            b"X-Long: " + b"a" * 100_000 + b"\r\n" + good_part]))),
        Case("multipart", "to a JSON endpoint", req("POST", "/api/notes/", [ct], multipart(b"xyz", [good_part]))),
        Case("multipart", "to a form endpoint", req("POST", "/guestbook/", [ct], multipart(b"xyz", [good_part]))),
        Case("multipart", "urlencoded to upload", req("POST", "/upload", [FORM], b"document=x")),
        Case("multipart", "json to upload", req("POST", "/upload", [JSON], b"{}")),
        Case("multipart", "no content-type", req("POST", "/upload", [], b"--xyz--")),
    ]


def methods() -> list[Case]:
    cases = [Case("methods", f"{method} /", req(method, "/")) for method in
             ("FOO", "PROPFIND", "TRACE", "MKCOL", "LOCK", "PATCH", "DELETE", "PUT", "get", "Get", "HEAD", "OPTIONS")]
    cases += [
        Case("methods", "CONNECT authority", req("CONNECT", "127.0.0.1:22"), answer=False),
        Case("methods", "OPTIONS *", req("OPTIONS", "*")),
        Case("methods", "10KB method", req("A" * 10_000, "/"), answer=False),
        Case("methods", "method with slash", req("GE/T", "/"), answer=False),
        Case("methods", "empty method", req("", "/"), answer=False),
        Case("methods", "PATCH notes", req("PATCH", "/api/notes/", [JSON], b"{}")),
        Case("methods", "DELETE collection", req("DELETE", "/api/v1/tasks")),
        Case("methods", "HEAD api", req("HEAD", "/api/stats/")),
        Case("methods", "POST static", req("POST", "/static/style.css", [JSON], b"{}")),
        Case("methods", "PUT openapi", req("PUT", "/openapi/specs.json", [JSON], b"{}")),
    ]
    return cases


def versions_and_targets() -> list[Case]:
    return [
        Case("versions", "HTTP/1.0 no host", req("GET", "/", version=b"HTTP/1.0", host=None)),
        Case("versions", "HTTP/1.0 keep-alive", req("GET", "/api/notes/", [("Connection", "keep-alive")], version=b"HTTP/1.0"),
             answer=False),
        Case("versions", "HTTP/1.0 post", req("POST", "/api/notes/", [JSON], b'{"title": "old"}', version=b"HTTP/1.0")),
        Case("versions", "HTTP/0.9", b"GET /\r\n\r\n", answer=False),
        Case("versions", "HTTP/2.0 text", req("GET", "/", version=b"HTTP/2.0"), answer=False),
        Case("versions", "HTTP/3.0 text", req("GET", "/", version=b"HTTP/3.0"), answer=False),
        Case("versions", "HTTP/1.2", req("GET", "/", version=b"HTTP/1.2"), answer=False),
        Case("versions", "lowercase version", req("GET", "/", version=b"http/1.1"), answer=False),
        Case("versions", "garbage version", req("GET", "/", version=b"SPDY/9"), answer=False),
        Case("versions", "h2 preface then EOF", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", answer=False, half_close=True),
        Case("versions", "TLS hello", bytes.fromhex("16030100a5010000a10303") + b"\x00" * 64, answer=False),
        Case("versions", "HTTP/1.1 no host", req("GET", "/", host=None), answer=False),
        Case("versions", "two hosts", req("GET", "/", [("Host", "evil.example")]), answer=False),
        Case("versions", "host garbage", req("GET", "/", host=b"\xff bad host/../"), answer=False),
        Case("versions", "host with port garbage", req("GET", "/", host=b"127.0.0.1:99999999"), answer=False),
        Case("targets", "absolute-form other host", req("GET", "http://evil.example/api/notes/")),
        Case("targets", "absolute-form same host", req("GET", "http://127.0.0.1/api/notes/")),
        Case("targets", "absolute-form https", req("GET", "https://127.0.0.1/guestbook/")),
        Case("targets", "absolute-form traversal", req("GET", "http://127.0.0.1/static/../../etc/passwd")),
        Case("targets", "absolute-form ftp", req("GET", "ftp://127.0.0.1/"), answer=False),
        Case("targets", "authority-form GET", req("GET", "127.0.0.1:80"), answer=False),
        Case("targets", "no leading slash", req("GET", "api/notes/"), answer=False),
        Case("targets", "empty target", b"GET  HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", answer=False),
        Case("targets", "fragment", req("GET", "/api/notes/#frag")),
        Case("targets", "64KB url", req("GET", "/api/notes/?q=" + "a" * 65_000), answer=False),
        Case("targets", "10k query params", req("GET", "/api/notes/?" + "&".join(f"q={i}" for i in range(10_000))),
             answer=False),
        Case("targets", "repeated typed param", req("GET", "/api/notes/?limit=1&limit=abc")),
        Case("targets", "percent garbage", req("GET", "/api/notes/?q=%zz%&limit=%")),
        Case("targets", "double slashes", req("GET", "//api//notes//")),
        Case("targets", "dot segments", req("GET", "/api/./notes/../notes/")),
        Case("targets", "semicolon params", req("GET", "/api/notes/;jsessionid=1")),
        Case("targets", "unicode path", req("GET", "/api/notes/%E2%80%AE%F0%9F%92%A9")),
        Case("targets", "openapi docs query", req("GET", "/openapi/docs?url=javascript:alert(1)")),
        Case("targets", "bool param garbage", req("GET", "/api/v1/tasks?done=maybe")),
        Case("targets", "ordering unknown field", req("GET", "/api/v1/tasks?ordering=password")),
        Case("targets", "ordering injection", req("GET", "/api/v1/tasks?ordering=title;DROP TABLE tasks")),
        Case("targets", "search sql wildcards", req("GET", "/api/v1/tasks?search=%25%5F%5C")),
        Case("targets", "search NUL", req("GET", "/api/v1/tasks?search=%00")),
        Case("targets", "filter unknown", req("GET", "/api/v1/tasks?id__gt=1&__class__=x")),
    ]


def forms() -> list[Case]:
    return [
        Case("forms", "percent garbage", req("POST", "/guestbook/", [FORM], b"name=%zz&message=%")),
        Case("forms", "10k repeated fields", req("POST", "/guestbook/", [FORM], b"&".join([b"name=a"] * 10_000) + b"&message=m")),
        Case("forms", "field too long", req("POST", "/guestbook/", [FORM], b"name=" + b"a" * 5000 + b"&message=m")),
        Case("forms", "NUL in fields", req("POST", "/guestbook/", [FORM], b"name=a%00b&message=%00")),
        Case("forms", "no equals", req("POST", "/guestbook/", [FORM], b"namemessage")),
        Case("forms", "empty", req("POST", "/guestbook/", [FORM], b"")),
        Case("forms", "charset odd", req("POST", "/guestbook/", [("Content-Type", "application/x-www-form-urlencoded; charset=utf-7")],
                                         b"name=+ADw-&message=x")),
        Case("forms", "login empty", req("POST", "/account/login", [FORM], b"")),
        Case("forms", "login 1MB password", req("POST", "/account/login", [FORM], b"username=bob&password=" + b"a" * 900_000)),
        Case("forms", "contact bad email", req("POST", "/contact/", [FORM], b"name=a&email=not-an-email&message=x")),
        Case("forms", "contact unicode email", req("POST", "/contact/", [FORM], b"name=a&email=%E2%80%AE@x&message=x")),
        Case("forms", "json to a form endpoint", req("POST", "/guestbook/", [JSON], b'{"name": "a", "message": "b"}')),
        Case("forms", "text/plain to json endpoint", req("POST", "/api/notes/", [("Content-Type", "text/plain")], b'{"title": "x"}')),
        Case("forms", "no content-type to json", req("POST", "/api/notes/", [], b'{"title": "x"}')),
    ]


def build() -> list[Case]:
    """The whole corpus, in the order it is sent."""
    groups = [malformed_json, deep_nesting, huge_numbers, invalid_utf8, lying_length, chunked_bodies, headers,
              traversal, crlf, forged_credentials, bad_multipart, methods, versions_and_targets, forms]
    return [case for group in groups for case in group()]
