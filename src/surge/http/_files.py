"""The body of ``send_file``: validators, conditional GET, byte ranges, and sending the bytes."""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from collections.abc import AsyncIterator, Mapping

import anyio

from surge.http.conditional import http_date, if_range_allows, not_modified
from surge.http.ranges import Unsatisfiable, multipart_part_head, parse_range
from surge.types import Send

__all__ = ["FileBody"]

_CHUNK = 64 * 1024


class FileBody:
    """A file on disk (or bytes) sent whole, as one range (206) or as ``multipart/byteranges``.

    :meth:`prepare` runs once, when the response is sent: it sets the validators (files get an
    ETag and Last-Modified), answers 304 / 206 / 416 and decides the parts; :meth:`send` then
    streams them. Files are read in 64 KiB chunks, never loaded whole.
    """

    __slots__ = ("_boundary", "_heads", "_parts", "data", "length", "path", "regular", "size", "st")

    def __init__(
        self, path: str | None = None, st: os.stat_result | None = None, data: bytes | None = None
    ) -> None:
        self.path = path
        self.st = st
        self.data = data
        self.size = len(data) if data is not None else (st.st_size if st is not None else 0)
        self.regular = data is not None or (st is not None and stat.S_ISREG(st.st_mode))
        self.length = self.size
        self._parts: list[tuple[int, int]] = [(0, self.size - 1)] if self.size else []
        self._boundary: str | None = None
        self._heads: list[bytes] = []

    @property
    def name(self) -> str | None:
        """The file's path (None for bytes)."""
        return self.path

    def set_validators(self, headers: dict[str, str]) -> None:
        """Give a file on disk its ``ETag`` and ``Last-Modified`` (unless ``headers`` has them)."""
        if self.st is not None:
            st = self.st
            digest = hashlib.md5(f"{st.st_mtime_ns}-{st.st_size}".encode(), usedforsecurity=False).hexdigest()
            headers.setdefault("etag", f'"{digest}"')
            headers.setdefault("last-modified", http_date(st.st_mtime))

    def _validators(self, headers: dict[str, str]) -> tuple[str | None, str | None]:
        lowered = {key.lower(): value for key, value in headers.items()}
        return lowered.get("etag"), lowered.get("last-modified")

    def prepare(
        self, headers: dict[str, str], request_headers: Mapping[str, str], status: int, media_type: str | None
    ) -> tuple[int, str | None]:
        """The status and media type to send, given the request's conditional and Range headers."""
        etag, last_modified = self._validators(headers)
        if not self.regular:
            self.length, self._parts = 0, []
            return status, media_type
        headers.setdefault("accept-ranges", "bytes")
        if status != 200:
            return status, media_type
        if not_modified(request_headers, etag, last_modified):
            return 304, media_type
        range_header = request_headers.get("range")
        if range_header is None or not if_range_allows(request_headers.get("if-range"), etag, last_modified):
            return status, media_type
        ranges = parse_range(range_header, self.size)
        if ranges is None:
            return status, media_type
        if isinstance(ranges, Unsatisfiable):
            headers["content-range"] = f"bytes */{self.size}"
            self.length, self._parts = 0, []
            return 416, None
        self._parts = ranges
        if len(ranges) == 1:
            first, last = ranges[0]
            headers["content-range"] = f"bytes {first}-{last}/{self.size}"
            self.length = last - first + 1
            return 206, media_type
        self._boundary = boundary = secrets.token_hex(16)
        self._heads = [
            (b"\r\n" if index else b"") + multipart_part_head(boundary, media_type, first, last, self.size)
            for index, (first, last) in enumerate(ranges)
        ]
        closing = f"\r\n--{boundary}--\r\n".encode("latin-1")
        self.length = (
            sum(len(head) for head in self._heads) + sum(b - a + 1 for a, b in ranges) + len(closing)
        )
        return 206, f"multipart/byteranges; boundary={boundary}"

    async def send(self, send: Send) -> None:
        """Send the prepared parts as ``http.response.body`` messages."""
        if not self._parts:
            await send({"type": "http.response.body", "body": b""})
            return
        if self.data is not None:
            await send({"type": "http.response.body", "body": self._join(self.data)})
            return
        assert self.path is not None
        async with await anyio.open_file(self.path, "rb") as handle:
            for index, (first, last) in enumerate(self._parts):
                if self._boundary is not None:
                    await send({"type": "http.response.body", "body": self._heads[index], "more_body": True})
                if first:
                    await handle.seek(first)
                remaining = last - first + 1
                while remaining > 0:
                    chunk = await handle.read(min(_CHUNK, remaining))
                    if not chunk:  # the file shrank: end the body short rather than hang the client
                        remaining = 0
                        break
                    remaining -= len(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        closing = f"\r\n--{self._boundary}--\r\n".encode("latin-1") if self._boundary is not None else b""
        await send({"type": "http.response.body", "body": closing})

    def _join(self, data: bytes) -> bytes:
        if self._boundary is None:
            first, last = self._parts[0]
            return data[first : last + 1]
        pieces: list[bytes] = []
        for head, (first, last) in zip(self._heads, self._parts, strict=True):
            pieces += [head, data[first : last + 1]]
        pieces.append(f"\r\n--{self._boundary}--\r\n".encode("latin-1"))
        return b"".join(pieces)

    async def iter_whole(self) -> AsyncIterator[bytes]:
        """The whole content in chunks (a middleware that re-encodes the body reads it this way)."""
        if self.data is not None:
            yield self.data
            return
        if self.path is None or not self.regular:
            return
        async with await anyio.open_file(self.path, "rb") as handle:
            while chunk := await handle.read(_CHUNK):
                yield chunk
