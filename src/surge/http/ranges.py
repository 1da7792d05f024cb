"""Byte ranges (RFC 9110 section 14): parsing ``Range`` and framing ``multipart/byteranges``; no I/O."""

from __future__ import annotations

__all__ = ["MAX_RANGES", "Unsatisfiable", "multipart_part_head", "parse_range"]

MAX_RANGES = 32
"""More ranges than this in one request are ignored (the whole file is sent): a guard against
requests that ask for thousands of tiny overlapping pieces."""


class Unsatisfiable:
    """Marker returned by :func:`parse_range` when no asked range overlaps the content (416)."""


_UNSATISFIABLE = Unsatisfiable()


def _one(spec: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of one range spec, inclusive; None when it lies past the end.

    Raises:
        ValueError: the spec is not ``a-b``, ``a-`` or ``-n``.
    """
    first_text, dash, last_text = spec.strip().partition("-")
    if (
        not dash
        or not (first_text.isdigit() or first_text == "")
        or not (last_text.isdigit() or last_text == "")
    ):
        raise ValueError(spec)
    if first_text == "":
        if last_text == "":
            raise ValueError(spec)
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            return None
        return max(size - suffix, 0), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else None
    if last is not None and last < first:
        raise ValueError(spec)
    if first >= size:
        return None
    return first, size - 1 if last is None else min(last, size - 1)


def parse_range(header: str, size: int) -> list[tuple[int, int]] | Unsatisfiable | None:
    """The ranges a ``Range`` header asks of ``size`` bytes, merged and in order.

    Returns None when the header is to be ignored (not ``bytes=``, malformed, too many
    ranges): the whole content is then sent with 200. Returns :class:`Unsatisfiable` when it is
    well-formed but no range overlaps the content (416).
    """
    unit, eq, specs = header.partition("=")
    if not eq or unit.strip().lower() != "bytes":
        return None
    pieces = specs.split(",")
    if len(pieces) > MAX_RANGES:
        return None
    ranges: list[tuple[int, int]] = []
    try:
        for piece in pieces:
            if piece.strip():
                found = _one(piece, size)
                if found is not None:
                    ranges.append(found)
    except ValueError:
        return None
    if not ranges:
        return _UNSATISFIABLE
    ranges.sort()
    merged = [ranges[0]]
    for first, last in ranges[1:]:
        prev_first, prev_last = merged[-1]
        if first <= prev_last + 1:
            merged[-1] = (prev_first, max(prev_last, last))
        else:
            merged.append((first, last))
    return merged


def multipart_part_head(boundary: str, media_type: str | None, first: int, last: int, size: int) -> bytes:
    """The boundary line and headers that open one part of a ``multipart/byteranges`` body."""
    lines = [f"--{boundary}"]
    if media_type:
        lines.append(f"Content-Type: {media_type}")
    lines.append(f"Content-Range: bytes {first}-{last}/{size}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
