"""The Response: a fluent builder that the handler fills in and the app sends."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterable, AsyncIterator, Generator
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar
from urllib.parse import quote

import orjson

from surge.exceptions.http import BadRequest
from surge.http._files import FileBody
from surge.http._folder_files import FolderFiles
from surge.http._header_methods import HeaderMethods
from surge.http._headers import MEDIA_TYPES as _MEDIA_TYPES
from surge.http._headers import has_header, raw_headers
from surge.http._proxy import ProxyPass
from surge.http.conditional import not_modified
from surge.http.json_codec import dumps
from surge.http.media_types import MediaType
from surge.http.negotiation import NotAcceptable, best_match, to_xml
from surge.http.sse import DEFAULT_PING_SECONDS, EventStream
from surge.http.status import HttpStatus
from surge.http.streaming import StreamContent, as_async_iterable, prepend, send_chunks

if TYPE_CHECKING:
    from surge.types import Connection, Send

__all__ = ["Response"]

T = TypeVar("T")

_JSON: str = MediaType.APPLICATION_JSON
_NO_CONTENT: int = HttpStatus.NO_CONTENT
_STATUS_CODES: dict[int, int] = {int(status): int(status) for status in HttpStatus}
_UNSET: Any = object()
_OCTETS: str = MediaType.APPLICATION_OCTET_STREAM
_SAFE = ("GET", "HEAD")
_XML = "application/xml; charset=utf-8"
_OFFERS = ("application/json", "text/html", "application/xml")  # JSON first: what */* gets
_NO_BODY_STATUSES = frozenset({204, 304}) | frozenset(range(100, 200))
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


class Response(FolderFiles, HeaderMethods, ProxyPass, Generic[T]):  # static(), media(): surge.http._folder_files
    """The response to a request, built with chained calls.

    ``req.response.json({...}).status(201)`` sets the body and status. Rendering templates is
    asynchronous, so ``html()`` returns the response itself, which is awaitable:
    ``await req.response.html("page.html", ctx)`` renders immediately, and a response returned
    without awaiting is rendered before it is sent.

    The return annotation ``Response[Model]`` makes the app validate and filter a JSON body
    through ``Model`` before sending it.
    """

    __slots__ = (
        "_file",
        "_json",
        "_pending",
        "_status_set",
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
        self._file: FileBody | None = None
        self._cookies = None
        self._extra = None
        self._validators = False
        self._status_set = False  # .status() was called: an endpoint's default status leaves it alone

    # -- status and headers ---------------------------------------------------------------------
    def status(self, status_code: int | HttpStatus) -> Self:
        """Set the status code."""
        # PERF: a dict hit turns HttpStatus.OK into 200 in half the time int() takes
        self.status_code = _STATUS_CODES.get(status_code) or int(status_code)
        self._status_set = True
        return self

    def set_header(self, key: str, value: str) -> Self:
        """Set a response header."""
        self.headers[key] = value
        return self

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

    def stream(self, content: StreamContent, media_type: str | None = None) -> Self:
        """Send the chunks of an iterable as they are produced (a sync one is iterated in a thread).

        Without a media type, str chunks go out as ``text/plain; charset=utf-8``, bytes as
        ``application/octet-stream``.
        """
        self._stream = as_async_iterable(content)
        if media_type is not None:
            self.media_type = media_type
        return self

    def sse(self, events: AsyncIterable[Any], ping: float | None = DEFAULT_PING_SECONDS) -> Self:
        """Send Server-Sent Events (str, dict or ``ServerSentEvent`` items), pinging every ``ping`` s."""
        receive = self.request.receive if self.request is not None else None
        self._stream = EventStream(events, ping, receive)
        self.media_type = "text/event-stream"
        self.headers.setdefault("cache-control", "no-cache")
        self.headers.setdefault("x-accel-buffering", "no")  # nginx would otherwise hold events back
        return self

    async def negotiate(self, data: Any, template: str | None = None, context: dict[str, Any] | None = None) -> Self:
        """Send ``data`` as the client's ``Accept`` prefers: JSON, XML, or ``template`` rendered (HTML).

        Raises:
            NotAcceptable: the client accepts none of them (406, listing the available types).
        """
        offers = [offer for offer in _OFFERS if template is not None or offer != "text/html"]
        choice = best_match(self.request.headers.get("accept") if self.request is not None else None, offers)
        self.add_header("vary", "Accept")
        if choice is None:
            raise NotAcceptable(offers)
        if choice == "application/json":
            return self.json(data)
        if choice == "application/xml":
            self.body, self._json, self.media_type = to_xml(orjson.loads(dumps(data))), _UNSET, _XML
            return self
        assert template is not None
        values = {**(data if isinstance(data, dict) else {}), **(context or {}), "data": data}
        return await self.html(template, values)

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
        a matching ``If-None-Match`` / ``If-Modified-Since`` turns the response into 304. A
        ``Range`` is answered 206 (several ranges as ``multipart/byteranges``), or 416 when no
        range overlaps the file; ``If-Range`` sends the whole file once it has changed.
        """
        import mimetypes

        if headers:
            self.headers.update(headers)
        if isinstance(body, bytes):
            self.body, self._file, self._json = body, FileBody(data=body), _UNSET
            guess_name = filename
        else:
            path = os.fspath(body)
            self._file = FileBody(path, os.stat(path))
            self._file.set_validators(self.headers)
            guess_name = filename or path
        if media_type is None and guess_name:
            guessed, _ = mimetypes.guess_type(guess_name)
            media_type = guessed
        self.media_type = media_type or MediaType.APPLICATION_OCTET_STREAM
        if filename or as_attachment:
            name = filename or os.path.basename(self._file.path or "download")
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
    def body_stream(self) -> AsyncIterable[bytes | str] | None:
        """The iterable a streaming body is sent from (None when the body is not streamed)."""
        return self._stream

    def replace_body(self, body: bytes | AsyncIterable[bytes | str]) -> Self:
        """Replace the body, keeping status and headers (a middleware re-encoding it, say).

        Validators already set (ETag, Last-Modified) keep answering conditional GETs with 304.
        """
        self._file, self._json = None, _UNSET
        if isinstance(body, bytes):
            self.body, self._stream = body, None
        else:
            self.body, self._stream = b"", body
        self._validators = self._validators or "etag" in self.headers or "last-modified" in self.headers
        return self

    @property
    def file_size(self) -> int | None:
        """The size of a file body (None when the body is not a file on disk)."""
        return self._file.size if self._file is not None and self._file.path is not None else None

    def file_chunks(self) -> AsyncIterator[bytes]:
        """The whole file body, read in chunks (nothing when the body is not a file)."""
        return (self._file or FileBody(data=b"")).iter_whole()

    @property
    def is_file(self) -> bool:
        """True when the body is a file sent from disk."""
        return self._file is not None and self._file.path is not None

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
        if head or self._file is not None or self._stream is not None or self._validators or status in _NO_BODY_STATUSES:
            await self._send_other(send, status, head, request)
            return
        # PERF: the usual response, bytes in memory: two messages, the headers built inline.
        body = self.body
        media_type = self.media_type
        if self.headers or self._extra is not None or self._cookies is not None or media_type not in _MEDIA_TYPES:
            raw = raw_headers(self.headers, media_type, len(body), self._extra, self._cookies)
        else:  # a media type seen before and nothing else: raw_headers' result, without the call
            raw = [(b"content-type", _MEDIA_TYPES[media_type]), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    async def _send_other(self, send: Send, status: int, head: bool, request: Connection | None) -> None:
        """Files, streams, conditional requests, HEAD and bodiless statuses."""
        if self._file is not None:
            status, self.media_type = self._file.prepare(
                self.headers, request.headers if request is not None else {}, status, self.media_type
            )
        elif self._validators and request is not None and status == 200 and request.method in _SAFE:
            if not_modified(request.headers, self.headers.get("etag"), self.headers.get("last-modified")):
                status = 304
        if self._stream is not None and not head and status not in _NO_BODY_STATUSES:
            await self._send_stream(send, status)
            return
        await send({"type": "http.response.start", "status": status, "headers": self._raw_headers(status)})
        if head or status in _NO_BODY_STATUSES:
            await send({"type": "http.response.body", "body": b""})
        elif self._file is not None:
            await self._file.send(send)
        else:
            await send({"type": "http.response.body", "body": self.body})

    async def _send_stream(self, send: Send, status: int) -> None:
        stream = self._stream
        assert stream is not None
        if isinstance(stream, EventStream):
            await send({"type": "http.response.start", "status": status, "headers": self._raw_headers(status)})
            await stream.run(send)
            return
        await self.decide_stream_type()
        await send({"type": "http.response.start", "status": status, "headers": self._raw_headers(status)})
        await send_chunks(aiter(self._stream or stream), None, send)

    async def decide_stream_type(self) -> None:
        """Give a streamed body without a media type one, from its first chunk: text for str, else bytes."""
        if self._stream is not None and self.media_type is None and not has_header(self.headers, "content-type"):
            iterator = aiter(self._stream)
            first = await anext(iterator, b"")
            self.media_type = "text/plain; charset=utf-8" if isinstance(first, str) else _OCTETS
            self._stream = prepend(first, iterator)

    def _raw_headers(self, status: int) -> list[tuple[bytes, bytes]]:
        length = None
        if self._stream is None and status not in _NO_BODY_STATUSES:
            length = self._file.length if self._file is not None else len(self.body)
        return raw_headers(self.headers, self.media_type, length, self._extra, self._cookies)

    def __repr__(self) -> str:
        return f"<Response {self.status_code}>"

