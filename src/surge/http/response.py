"""The Response: a fluent builder that the handler fills in and the app sends."""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import stat
from collections.abc import AsyncIterable, Generator, Mapping
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar
from urllib.parse import quote

import anyio

from surge.exceptions.http import BadRequest
from surge.http.json_codec import dumps
from surge.http.media_types import MediaType
from surge.http.status import HttpStatus

if TYPE_CHECKING:
    from surge.types import Connection, Send

__all__ = ["Response"]

T = TypeVar("T")

_JSON: str = MediaType.APPLICATION_JSON
_NO_CONTENT: int = HttpStatus.NO_CONTENT
_STATUS_CODES: dict[int, int] = {int(status): int(status) for status in HttpStatus}
_UNSET: Any = object()
_FILE_CHUNK = 64 * 1024
_NO_BODY_STATUSES = frozenset({204, 304}) | frozenset(range(100, 200))
_MEDIA_TYPES: dict[str, bytes] = {}  # media type -> encoded header value (a handful of entries)
_MEDIA_TYPES_MAX = 64
_COOKIE_OCTETS = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


class Response(Generic[T]):
    """The response to a request, built with chained calls.

    ``req.response.json({...}).status(201)`` sets the body and status. Rendering templates is
    asynchronous, so ``html()`` returns the response itself, which is awaitable:
    ``await req.response.html("page.html", ctx)`` renders immediately, and a response returned
    without awaiting is rendered before it is sent.

    The return annotation ``Response[Model]`` makes the app validate and filter a JSON body
    through ``Model`` before sending it.
    """

    __slots__ = (
        "_cookies",
        "_file",
        "_json",
        "_pending",
        "_stream",
        "body",
        "headers",
        "media_type",
        "request",
        "status_code",
    )

    def __init__(self, request: Connection | None = None) -> None:
        self.request = request
        self.status_code: int = 200
        self.headers: dict[str, str] = {}
        self.body: bytes = b""
        self.media_type: str | None = None
        self._json: Any = _UNSET
        self._pending: Any = None
        self._stream: AsyncIterable[bytes | str] | None = None
        self._file: tuple[str, os.stat_result] | None = None
        self._cookies: list[str] | None = None

    # -- status and headers ---------------------------------------------------------------------
    def status(self, status_code: int | HttpStatus) -> Self:
        """Set the status code."""
        # PERF: a dict hit turns HttpStatus.OK into 200 in half the time int() takes
        self.status_code = _STATUS_CODES.get(status_code) or int(status_code)
        return self

    def set_header(self, key: str, value: str) -> Self:
        """Set a response header."""
        self.headers[key] = value
        return self

    def set_cookie(
        self,
        cookie_name: str,
        value: str,
        max_age: int | None = None,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        http_only: bool = True,
        same_site: str | None = "Lax",
        expires: int | str | None = None,
    ) -> Self:
        """Set a cookie (HttpOnly and SameSite=Lax unless told otherwise)."""
        cookie: SimpleCookie = SimpleCookie()
        cookie[cookie_name] = value
        morsel = cookie[cookie_name]
        if _COOKIE_OCTETS.fullmatch(morsel.value):  # RFC 6265 values go out verbatim (unquoted), as PyJolt's
            morsel.set(cookie_name, morsel.value, morsel.value)
        morsel["path"] = path
        if max_age is not None:
            morsel["max-age"] = str(max_age)
        if expires is not None:
            morsel["expires"] = expires
        if domain is not None:
            morsel["domain"] = domain
        if secure:
            morsel["secure"] = True
        if http_only:
            morsel["httponly"] = True
        if same_site:
            morsel["samesite"] = same_site
        if self._cookies is None:
            self._cookies = []
        self._cookies.append(morsel.OutputString())
        return self

    def delete_cookie(self, cookie_name: str, path: str = "/", domain: str | None = None) -> Self:
        """Tell the client to drop a cookie."""
        return self.set_cookie(
            cookie_name, "", max_age=0, path=path, domain=domain, expires="Thu, 01 Jan 1970 00:00:00 GMT"
        )

    # -- bodies -------------------------------------------------------------------------------
    def json(self, data: Any) -> Self:
        """Send ``data`` as JSON (models, dataclasses, datetime, UUID, Decimal included)."""
        self._json = data
        self.media_type = _JSON  # PERF: an Enum attribute lookup costs ~130 ns on 3.11
        return self

    def text(self, text: str) -> Self:
        """Send plain text."""
        self.body = text.encode("utf-8")
        self._json = _UNSET
        self.media_type = "text/plain; charset=utf-8"
        return self

    def no_content(self) -> Self:
        """Send 204 with no body."""
        self.status_code = _NO_CONTENT
        self.body = b""
        self._json = _UNSET
        return self

    def redirect(self, location: str, status_code: int | HttpStatus = HttpStatus.SEE_OTHER) -> Self:
        """Redirect the client to ``location`` (303 See Other by default)."""
        if _CONTROL_CHARS.search(location):  # CR/LF would split the header: refuse, never send
            raise BadRequest("Redirect target contains control characters")
        self.status_code = int(status_code)
        self.headers["location"] = location
        return self

    def html_from_string(self, text: str, context: dict[str, Any] | None = None) -> Self:
        """Render ``text`` as a Jinja template (await the response, or return it)."""
        self.media_type = "text/html; charset=utf-8"
        self._pending = ("string", text, context or {})
        return self

    def html(self, template_path: str, context: dict[str, Any] | None = None) -> Self:
        """Render a template from the templates folder (await the response, or return it)."""
        self.media_type = "text/html; charset=utf-8"
        self._pending = ("file", template_path, context or {})
        return self

    def stream(self, content: AsyncIterable[bytes | str], media_type: str | None = None) -> Self:
        """Send the chunks of an async iterable as they are produced."""
        self._stream = content
        if media_type is not None:
            self.media_type = media_type
        return self

    def send_file(
        self,
        body: str | os.PathLike[str] | bytes,
        headers: dict[str, str] | None = None,
        filename: str | None = None,
        media_type: str | None = None,
        as_attachment: bool = False,
    ) -> Self:
        """Send a file from disk (path) or bytes.

        Files get Content-Type (guessed from the name), Content-Length, ETag and Last-Modified;
        a matching ``If-None-Match`` / ``If-Modified-Since`` turns the response into 304.
        """
        import mimetypes

        if headers:
            self.headers.update(headers)
        if isinstance(body, bytes):
            self.body = body
            self._json = _UNSET
            guess_name = filename
        else:
            path = os.fspath(body)
            self._file = (path, os.stat(path))
            guess_name = filename or path
        if media_type is None and guess_name:
            guessed, _ = mimetypes.guess_type(guess_name)
            media_type = guessed
        self.media_type = media_type or MediaType.APPLICATION_OCTET_STREAM
        if filename or as_attachment:
            name = filename or os.path.basename(self._file[0] if self._file else "download")
            kind = "attachment" if as_attachment else "inline"
            self.headers["content-disposition"] = f"{kind}; filename*=UTF-8''{quote(name)}"
        return self

    # -- websocket ------------------------------------------------------------------------------
    async def send(self, message: dict[str, Any]) -> None:
        """Send a raw ASGI message on the request's websocket."""
        assert self.request is not None, "send() needs the response of a websocket request"
        await self.request.send(message)

    # -- completion -----------------------------------------------------------------------------
    def __await__(self) -> Generator[Any, None, Self]:
        return self.render().__await__()

    async def render(self) -> Self:
        """Finish pending work (template rendering); returns the response."""
        pending = self._pending
        if pending is not None:
            self._pending = None
            kind, source, context = pending
            templates = self._templates()
            if kind == "file":
                html = await templates.render(source, context, self.request)
            else:
                html = await templates.render_string(source, context, self.request)
            self.body = html.encode("utf-8")
            self._json = _UNSET
        return self

    def _templates(self) -> Any:
        if self.request is None:
            raise RuntimeError("Rendering a template needs a response created from a request")
        return self.request.app.templates

    async def finalize(self) -> Self:
        """Render pending templates and encode pending JSON: ``body`` is then the final bytes.

        For code that stores or inspects the bytes a client receives (e.g. a response cache).
        """
        await self.render()
        if self._json is not _UNSET:
            self.set_json_body(dumps(self._json))
        return self

    @property
    def is_streaming(self) -> bool:
        """True when the body is an async iterable sent as it is produced."""
        return self._stream is not None

    @property
    def is_file(self) -> bool:
        """True when the body is a file sent from disk."""
        return self._file is not None

    @property
    def cookies(self) -> tuple[str, ...]:
        """The ``Set-Cookie`` values this response sends."""
        return tuple(self._cookies or ())

    @property
    def has_json(self) -> bool:
        """True when the body is JSON data not yet encoded."""
        return self._json is not _UNSET

    @property
    def json_data(self) -> Any:
        """The data given to :meth:`json` (``None`` when the body is not JSON)."""
        return None if self._json is _UNSET else self._json

    def encode(self) -> bool:
        """Encode pending JSON into ``body`` now; returns True when a template is still to render.

        The app calls it before sending anything, so a value that cannot be encoded becomes an
        error response instead of a broken one.

        Raises:
            TypeError: the JSON data cannot be encoded (an object JSON does not know, an int
                over 64 bits).
        """
        if self._json is not _UNSET:
            self.body = dumps(self._json)
            self._json = _UNSET
        return self._pending is not None

    def set_json_body(self, data: bytes) -> None:
        """Replace the pending JSON data with already-encoded JSON."""
        self.body = data
        self._json = _UNSET

    async def __call__(self, send: Send, head: bool = False, request: Connection | None = None) -> None:
        """Send this response through ASGI ``send`` (``head``: headers only)."""
        if self._pending is not None:
            await self.render()
        if self._json is not _UNSET:
            self.body = dumps(self._json)
            self._json = _UNSET
        status = self.status_code
        if self._file is not None:
            status = self._prepare_file(request.headers if request is not None else {})
        raw_headers = self._raw_headers(status)
        if self._stream is not None and not head:
            await send({"type": "http.response.start", "status": status, "headers": raw_headers})
            async for chunk in self._stream:
                data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                if data:
                    await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        if head or status in _NO_BODY_STATUSES:
            await send({"type": "http.response.body", "body": b""})
        elif self._file is not None:
            await self._send_file_body(send)
        else:
            await send({"type": "http.response.body", "body": self.body})

    def _raw_headers(self, status: int) -> list[tuple[bytes, bytes]]:
        headers = self.headers
        media_type = self.media_type
        if headers:
            raw = [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]
            has_type = _has(headers, "content-type")
            has_length = _has(headers, "content-length")
        else:
            raw, has_type, has_length = [], False, False
        if media_type is not None and not has_type:
            encoded = _MEDIA_TYPES.get(media_type)
            if encoded is None:
                encoded = str(media_type).encode("latin-1")
                if len(_MEDIA_TYPES) < _MEDIA_TYPES_MAX:  # per-response values (a boundary) must not grow it
                    _MEDIA_TYPES[media_type] = encoded
            raw.append((b"content-type", encoded))
        if self._stream is None and status not in _NO_BODY_STATUSES and not has_length:
            length = self._file[1].st_size if self._file is not None else len(self.body)
            raw.append((b"content-length", b"%d" % length))  # PERF: cheaper than str().encode()
        if self._cookies:
            raw.extend((b"set-cookie", cookie.encode("latin-1")) for cookie in self._cookies)
        return raw

    def _prepare_file(self, request_headers: Mapping[str, str]) -> int:
        assert self._file is not None
        path, st = self._file
        etag = '"' + hashlib.md5(f"{st.st_mtime_ns}-{st.st_size}".encode(), usedforsecurity=False).hexdigest() + '"'
        self.headers.setdefault("etag", etag)
        self.headers.setdefault("last-modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None:
            candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            if etag in candidates or "*" in candidates:
                return HttpStatus.NOT_MODIFIED
            return self.status_code
        if_modified_since = request_headers.get("if-modified-since")
        if if_modified_since:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return self.status_code
            if int(st.st_mtime) <= since:
                return HttpStatus.NOT_MODIFIED
        return self.status_code

    async def _send_file_body(self, send: Send) -> None:
        assert self._file is not None
        path, st = self._file
        if not stat.S_ISREG(st.st_mode):
            await send({"type": "http.response.body", "body": b""})
            return
        async with await anyio.open_file(path, "rb") as handle:
            remaining = st.st_size
            while remaining > 0:
                chunk = await handle.read(min(_FILE_CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
            if remaining > 0 or st.st_size == 0:
                await send({"type": "http.response.body", "body": b""})

    def __repr__(self) -> str:
        return f"<Response {self.status_code}>"


def _has(headers: dict[str, str], name: str) -> bool:
    return name in headers or any(key.lower() == name for key in headers)
