"""Form body parsing (urlencoded and multipart), streaming with a size limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header

from surge.exceptions.http import BadRequest, BaseHttpException
from surge.http.datastructures import MultiDict
from surge.http.uploads import UploadedFile

__all__ = ["parse_multipart", "parse_urlencoded"]


def parse_urlencoded(body: bytes) -> MultiDict:
    """Parse an ``application/x-www-form-urlencoded`` body."""
    return MultiDict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))


class _Parts:
    """Collects the parts of one multipart body from the parser's callbacks."""

    __slots__ = ("data", "field", "headers", "items", "name", "part", "value")

    def __init__(self) -> None:
        self.items: list[tuple[str, str | UploadedFile]] = []
        self.headers: dict[str, str] = {}
        self.field = b""
        self.value = b""
        self.name = ""
        self.part: UploadedFile | None = None
        self.data = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.field.decode("latin-1").lower()] = self.value.decode("latin-1")
        self.field = b""
        self.value = b""

    def on_headers_finished(self) -> None:
        headers = self.headers
        _, disposition = parse_options_header(headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8")
        filename = disposition.get(b"filename")
        self.part = None
        if filename is not None:
            self.part = UploadedFile(
                filename=filename.decode("utf-8"),
                content_type=headers.get("content-type", "application/octet-stream"),
                field_name=name,
                headers=dict(headers),
            )
        self.name = name
        self.data = bytearray()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part is None:
            self.data += data[start:end]
        else:
            self.part._write(data[start:end])

    def on_part_end(self) -> None:
        part = self.part
        if part is None:
            self.items.append((self.name, bytes(self.data).decode("utf-8", errors="replace")))
        else:
            part.file.seek(0)
            self.items.append((self.name, part))
        self.headers = {}


async def parse_multipart(content_type: str, chunks: AsyncIterator[bytes]) -> MultiDict:
    """Parse a ``multipart/form-data`` body; files become :class:`UploadedFile`.

    Raises:
        BadRequest: the boundary is missing or the body is not valid multipart.
    """
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequest("Missing multipart boundary in Content-Type")
    parts = _Parts()
    parser = MultipartParser(
        boundary,
        {
            "on_header_field": parts.on_header_field,
            "on_header_value": parts.on_header_value,
            "on_header_end": parts.on_header_end,
            "on_headers_finished": parts.on_headers_finished,
            "on_part_data": parts.on_part_data,
            "on_part_end": parts.on_part_end,
        },
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except BaseHttpException:
        raise
    except Exception as exc:  # python-multipart raises several error types
        raise BadRequest(f"Malformed multipart body: {exc}") from exc
    return MultiDict(parts.items)
