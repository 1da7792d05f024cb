"""``surge.request``: the seed's module path for :class:`Request`, :class:`UploadedFile` and ``extract_boundary``."""

from __future__ import annotations

import re

from surge.http.request import Request
from surge.http.uploads import UploadedFile

__all__ = ["Request", "UploadedFile", "extract_boundary"]

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


def extract_boundary(content_type: str) -> str:
    """The ``boundary`` parameter of a ``multipart/*`` Content-Type header.

    Raises:
        ValueError: the header has no boundary.
    """
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise ValueError("No boundary found in Content-Type")
    return match.group(1)
