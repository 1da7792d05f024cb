"""``req.response.proxy_pass(name, path)``: relay the request to an upstream and stream its answer back.

The request goes out with its method, body and headers, less the hop-by-hop ones (they
belong to one connection: ``Connection``, ``Keep-Alive``, ``Transfer-Encoding``, ``Upgrade``,
``TE``, ``Trailer``, ``Proxy-*`` and any named in ``Connection``), ``Host`` and
``Content-Length``, plus ``X-Forwarded-For/-Proto/-Host``. The answer comes back with its
status, its headers less the same hop-by-hop set, and its body streamed as it arrives.
A header whose name or value carries CR, LF or NUL is dropped both ways: it could only be an
attempt to inject headers.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx

    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["HOP_BY_HOP", "Requester", "forwarded_headers", "proxy_into", "relayed_headers"]


class Requester(Protocol):
    """What relaying needs of an upstream (``Upstream.request``)."""

    async def request(
        self, method: str, path: str, *, headers: Sequence[tuple[str, str]] | None = None,
        content: bytes | None = None, stream: bool = False,
    ) -> httpx.Response: ...  # fmt: skip

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
_NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
_NOT_RELAYED = HOP_BY_HOP | {"content-length"}
_INJECTION = re.compile(r"[\r\n\x00]")
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


def _connection_tokens(value: str | None) -> set[str]:
    return {token.strip().lower() for token in (value or "").split(",") if token.strip()}


def forwarded_headers(req: Request) -> list[tuple[str, str]]:
    """The request's headers as they go upstream (see the module docstring)."""
    raw: list[tuple[bytes, bytes]] = req.scope.get("headers", [])
    named = _connection_tokens(req.header("connection"))
    headers: list[tuple[str, str]] = []
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        if name in _NOT_FORWARDED or name in named or _INJECTION.search(name) or _INJECTION.search(text):
            continue
        headers.append((name, text))
    client = req.client
    earlier = req.header("x-forwarded-for")
    if client is not None:
        headers.append(("x-forwarded-for", f"{earlier}, {client[0]}" if earlier else client[0]))
    headers.append(("x-forwarded-proto", str(req.scope.get("scheme", "http"))))
    host = req.header("host")
    if host and not _INJECTION.search(host):
        headers.append(("x-forwarded-host", host))
    return headers


def relayed_headers(upstream: httpx.Response) -> list[tuple[str, str]]:
    """The upstream response's headers as they go to the client."""
    named = _connection_tokens(upstream.headers.get("connection"))
    return [
        (name.lower(), value)
        for name, value in upstream.headers.multi_items()
        if name.lower() not in _NOT_RELAYED
        and name.lower() not in named
        and not _INJECTION.search(name)
        and not _INJECTION.search(value)
    ]


async def _relay(upstream: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.aiter_raw():  # raw: Content-Encoding is relayed as is
            yield chunk
    finally:
        await upstream.aclose()


async def proxy_into(response: Response, req: Request, upstream: Requester, path: str) -> None:
    """Fill ``response`` with the answer of ``upstream`` to ``req`` sent to ``path``.

    The request's query string is added when ``path`` has none.

    Raises:
        UpstreamUnavailable: every member is down (502).
        UpstreamTimeout: no answer within ``TIMEOUT`` (504).
        ValueError: ``path`` does not start with a single ``/``.
    """
    target = path if "?" in path or not req.query_string else f"{path}?{req.query_string}"
    method = req.method
    body = None if method in _BODYLESS else await req.body()
    answer = await upstream.request(method, target, headers=forwarded_headers(req), content=body or None, stream=True)
    response.status(answer.status_code)
    for name, value in relayed_headers(answer):
        if name == "content-type":
            response.media_type = value
        elif name in response.headers or name == "set-cookie":
            response.add_header(name, value)
        else:
            response.headers[name] = value
    response.stream(_relay(answer), response.media_type)
