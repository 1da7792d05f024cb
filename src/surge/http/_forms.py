"""Form body parsing (urlencoded and multipart), streaming with a size limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header

from surge.exceptions.http import BadRequest, BaseHttpException
from surge.http.datastructures import MultiDict
from surge.http.uploads import UploadedFile

__all__ = ["parse_multipart", "parse_urlencoded"]


def parse_urlencoded(body: bytes) -> MultiDict:
    """Parse an ``application/x-www-form-urlencoded`` body."""
    return MultiDict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))


async def parse_multipart(content_type: str, chunks: AsyncIterator[bytes]) -> MultiDict:
    """Parse a ``multipart/form-data`` body; files become :class:`UploadedFile`.

    Raises:
        BadRequest: the boundary is missing or the body is not valid multipart.
    """
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequest("Missing multipart boundary in Content-Type")

    items: list[tuple[str, Any]] = []
    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "name": b""}
    current: dict[str, Any] = {"part": None, "data": bytearray()}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].decode("latin-1").lower()] = state["value"].decode("latin-1")
        state["field"] = b""
        state["value"] = b""

    def on_headers_finished() -> None:
        headers: dict[str, str] = state["headers"]
        _, disposition = parse_options_header(headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8")
        filename = disposition.get(b"filename")
        if filename is not None:
            current["part"] = UploadedFile(
                filename=filename.decode("utf-8"),
                content_type=headers.get("content-type", "application/octet-stream"),
                field_name=name,
                headers=dict(headers),
            )
        else:
            current["part"] = None
        state["name"] = name
        current["data"] = bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part = current["part"]
        if part is None:
            current["data"] += data[start:end]
        else:
            part._write(data[start:end])

    def on_part_end() -> None:
        part = current["part"]
        if part is None:
            items.append((state["name"], bytes(current["data"]).decode("utf-8", errors="replace")))
        else:
            part.file.seek(0)
            items.append((state["name"], part))
        state["headers"] = {}

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
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
    return MultiDict(items)
