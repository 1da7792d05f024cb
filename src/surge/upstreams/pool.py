"""One named upstream: a shared ``httpx.AsyncClient`` that spreads calls over the members.

Calls go round robin. A member that refuses the connection (or does not accept it within
``TIMEOUT``) is skipped for ``FAIL_TIMEOUT`` seconds and the call moves on to the next one,
at most ``RETRIES`` times: the request never reached it, so retrying is safe for any method.
When every member is marked down they are all tried again (so a recovered group answers
at once), and when none answers the call raises :class:`UpstreamUnavailable` (502).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

from surge.upstreams.config import UpstreamConfig
from surge.upstreams.errors import UpstreamTimeout, UpstreamUnavailable
from surge.upstreams.proxy import proxy_into

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["Content", "Member", "Params", "Upstream"]

Params = Mapping[str, str | int | float | bool | None | Sequence[str | int | float | bool | None]]
Content = bytes | str | AsyncIterable[bytes]


class Member:
    """One server of the group and until when it is skipped."""

    __slots__ = ("down_until", "url")

    def __init__(self, url: str) -> None:
        self.url = url
        self.down_until = 0.0

    @property
    def is_up(self) -> bool:
        """Not marked down (or its down period is over)."""
        return self.down_until <= time.monotonic()

    def __repr__(self) -> str:
        return f"<Member {self.url} {'up' if self.is_up else 'down'}>"


class Upstream:
    """Calls to one upstream group: ``await app.upstream("billing").get("/invoices")``.

    Paths are relative to each member's URL and must start with ``/`` (an absolute URL is
    refused, so user input in a path cannot send the call elsewhere).
    """

    def __init__(self, name: str, config: UpstreamConfig) -> None:
        self.name = name
        self.config = config
        self.members = [Member(url) for url in config.URLS]
        self._next = 0
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        """The shared client (created on first use, again after :meth:`aclose`)."""
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.config.TIMEOUT),
                limits=httpx.Limits(max_connections=self.config.MAX_CONNECTIONS),
                follow_redirects=False,
                trust_env=False,
            )
        return self._client

    async def aclose(self) -> None:
        """Close the connections (the app does it at shutdown)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _candidates(self) -> list[Member]:
        start = self._next
        self._next = (start + 1) % len(self.members)
        rotated = self.members[start:] + self.members[:start]
        alive = [member for member in rotated if member.is_up]
        return (alive or rotated)[: self.config.RETRIES + 1]

    def _path(self, path: str) -> str:
        if not path.startswith("/") or path.startswith("//"):
            raise ValueError(f"upstream path must start with a single '/', got {path!r}")
        return path

    async def send_built(self, build: Callable[[str], httpx.Request], *, stream: bool = False) -> httpx.Response:
        """Send the request ``build(member_url)`` makes to the first member that takes it.

        Raises:
            UpstreamUnavailable: no member accepted the connection (502).
            UpstreamTimeout: the member did not answer in time (504).
        """
        failure: Exception | None = None
        for member in self._candidates():
            try:
                return await self.client.send(build(member.url), stream=stream)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached it: another may take it
                member.down_until = time.monotonic() + self.config.FAIL_TIMEOUT
                failure = exc
            except httpx.TimeoutException as exc:
                raise UpstreamTimeout(f"Upstream {self.name!r} did not answer within {self.config.TIMEOUT}s") from exc
            except httpx.TransportError as exc:  # the connection broke mid-exchange: not safe to replay
                member.down_until = time.monotonic() + self.config.FAIL_TIMEOUT
                raise UpstreamUnavailable(f"Upstream {self.name!r} failed: {type(exc).__name__}") from exc
        raise UpstreamUnavailable(f"Every member of upstream {self.name!r} is down") from failure

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
        content: Content | None = None,
        data: Mapping[str, Any] | None = None,
        json: object = None,
        stream: bool = False,
    ) -> httpx.Response:
        """``method path`` on the next member, as ``httpx.AsyncClient.request`` does."""
        target = self._path(path)
        client = self.client

        def build(base: str) -> httpx.Request:
            return client.build_request(
                method, base + target, params=params, headers=headers, content=content, data=data, json=json
            )

        return await self.send_built(build, stream=stream)

    async def get(self, path: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """GET ``path``."""
        return await self.request("GET", path, params=params, headers=headers)

    async def head(self, path: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """HEAD ``path``."""
        return await self.request("HEAD", path, params=params, headers=headers)

    async def delete(self, path: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """DELETE ``path``."""
        return await self.request("DELETE", path, params=params, headers=headers)

    async def post(
        self, path: str, *, json: object = None, content: Content | None = None, data: Mapping[str, Any] | None = None,
        params: Params | None = None, headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:  # fmt: skip
        """POST ``path`` with a JSON, raw or form body."""
        return await self.request("POST", path, json=json, content=content, data=data, params=params, headers=headers)

    async def put(
        self, path: str, *, json: object = None, content: Content | None = None, data: Mapping[str, Any] | None = None,
        params: Params | None = None, headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:  # fmt: skip
        """PUT ``path``."""
        return await self.request("PUT", path, json=json, content=content, data=data, params=params, headers=headers)

    async def patch(
        self, path: str, *, json: object = None, content: Content | None = None, data: Mapping[str, Any] | None = None,
        params: Params | None = None, headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:  # fmt: skip
        """PATCH ``path``."""
        return await self.request("PATCH", path, json=json, content=content, data=data, params=params, headers=headers)

    @asynccontextmanager
    async def stream(
        self, method: str, path: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None,
        content: Content | None = None,
    ) -> AsyncIterator[httpx.Response]:  # fmt: skip
        """``async with upstream.stream("GET", "/export") as response:`` read the body as it arrives."""
        response = await self.request(method, path, params=params, headers=headers, content=content, stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def proxy(self, req: Request, response: Response, path: str) -> None:
        """Relay ``req`` to ``path`` and fill ``response`` (``req.response.proxy_pass`` calls it)."""
        await proxy_into(response, req, self, path)

    def __repr__(self) -> str:
        return f"<Upstream {self.name!r} {self.members!r}>"
