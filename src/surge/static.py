"""Static files, served by the automatically registered ``Static`` controller."""

from __future__ import annotations

import os

from surge.controller.controller import Controller
from surge.controller.decorators import get
from surge.exceptions.http import NotFound
from surge.http._folder_files import safe_join  # re-exported: surge.static.safe_join stays importable
from surge.http.request import Request
from surge.http.response import Response

__all__ = ["Static", "safe_join"]

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
