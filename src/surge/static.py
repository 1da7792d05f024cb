"""Static files, served by the automatically registered ``Static`` controller."""

from __future__ import annotations

import os
import re

from surge.controller.controller import Controller
from surge.controller.decorators import get
from surge.exceptions.http import NotFound
from surge.http.request import Request
from surge.http.response import Response

__all__ = ["Static", "safe_join"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_join(directory: str, filename: str) -> str | None:
    """The real path of ``filename`` inside ``directory``, or None if it would escape it.

    A name with a control character (NUL, CR, LF, ...) is None too: no file has one worth
    serving, and NUL would make the filesystem calls raise. A name ending in a slash names a
    directory, so it is None too (``realpath`` would drop the slash and find a file).
    """
    if _CONTROL.search(filename) or filename.endswith(("/", "\\")):
        return None
    root = os.path.realpath(directory)
    candidate = os.path.realpath(os.path.join(root, filename.lstrip("/\\")))
    if candidate != root and not candidate.startswith(root + os.sep):
        return None
    return candidate


class Static(Controller):
    """Serves ``STATIC_DIR`` at ``STATIC_URL``; build URLs with ``url_for("Static.get", filename=...)``."""

    @get("/<path:filename>", open_api_spec=False)
    async def get(self, req: Request, filename: str) -> Response:
        """Send one static file (404 for anything outside the static folder).

        The router ignores a trailing slash, so the request's own path is checked: a file
        named like a directory (``/static/style.css/``) is 404, not the file.
        """
        path = safe_join(self.app.static_files_path, filename)
        if path is None or req.path.endswith("/") or not os.path.isfile(path):
            raise NotFound(f"Static file {filename!r} not found")
        return req.response.send_file(path)
