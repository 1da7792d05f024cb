"""Serving the OpenAPI document and its docs UIs (Swagger UI, ReDoc) from the package.

The UIs' JavaScript and CSS are vendored under ``static/`` (see ``static/VENDORED.md``) and
served by this controller, never from a CDN, so the docs work on a machine with no internet.
"""

from __future__ import annotations

import html
import os
from typing import Protocol

import orjson

from surge.controller.controller import Controller
from surge.controller.decorators import get, path
from surge.exceptions.http import NotFound
from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response
from surge.openapi.generator import build_openapi
from surge.routing.rules import join_paths
from surge.static import safe_join
from surge.types import AppContext, ConfigContext

__all__ = ["ASSETS_DIR", "ControllerHost", "OpenApiController", "openapi_enabled", "register_openapi"]

ASSETS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
_ASSET_CACHE = "public, max-age=86400"

_SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Swagger UI</title>
<link rel="stylesheet" href="{static}/swagger-ui.css">
<link rel="icon" type="image/png" href="{static}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{static}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: {spec_url},
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
}});
</script>
</body>
</html>
"""

_REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ReDoc</title>
<link rel="icon" type="image/png" href="{static}/favicon-32x32.png">
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<redoc spec-url="{spec_attr}"></redoc>
<script src="{static}/redoc.standalone.js"></script>
</body>
</html>
"""


def _js_string(value: str) -> str:
    """A JavaScript string literal that cannot close the surrounding ``<script>``."""
    return orjson.dumps(value).decode().replace("</", "<\\/")


@path("", open_api_spec=False)
class OpenApiController(Controller):
    """``specs.json``, ``docs`` (Swagger UI), ``redoc`` and the UI assets under ``OPEN_API_URL``.

    The document is generated on the first request (after the app compiled its endpoints)
    and cached for the life of the app.
    """

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self._document: bytes | None = None
        self._prefix = join_paths(str(app.get_conf("OPEN_API_URL", "/openapi")))

    def _base(self, req: Request) -> str:
        root = str(req.scope.get("root_path", "") or "").rstrip("/")
        return root + self._prefix.rstrip("/")

    def _page(self, req: Request, template: str) -> Response:
        base = self._base(req)
        spec_url = f"{base}/specs.json"
        page = template.format(
            title=html.escape(str(self.app.get_conf("APP_NAME", ""))),
            static=html.escape(f"{base}/static"),
            spec_url=_js_string(spec_url),
            spec_attr=html.escape(spec_url),
        )
        response = req.response
        response.body = page.encode("utf-8")
        response.media_type = "text/html; charset=utf-8"
        return response

    @get("/", open_api_spec=False)
    async def index(self, req: Request) -> Response:
        """Send browsers on to the Swagger UI."""
        return req.response.redirect(f"{self._base(req)}/docs", 307)

    @get("/specs.json", open_api_spec=False)
    async def specs(self, req: Request) -> Response:
        """The OpenAPI document (generated once, then cached)."""
        if self._document is None:
            self._document = orjson.dumps(build_openapi(self.app))
        response = req.response
        response.body = self._document
        response.media_type = MediaType.APPLICATION_JSON
        return response

    @get("/docs", open_api_spec=False)
    async def docs(self, req: Request) -> Response:
        """The Swagger UI page."""
        return self._page(req, _SWAGGER_PAGE)

    @get("/redoc", open_api_spec=False)
    async def redoc(self, req: Request) -> Response:
        """The ReDoc page."""
        return self._page(req, _REDOC_PAGE)

    @get("/static/<path:filename>", open_api_spec=False)
    async def asset(self, req: Request, filename: str) -> Response:
        """One vendored UI asset (JavaScript, CSS, icon)."""
        found = safe_join(ASSETS_DIR, filename)
        if found is None or not os.path.isfile(found) or filename.endswith(".md"):
            raise NotFound(f"No docs asset {filename!r}")
        return req.response.send_file(found, headers={"cache-control": _ASSET_CACHE})


class ControllerHost(ConfigContext, Protocol):
    """An app that controllers can be registered with."""

    def register_controller(self, controller: type[Controller], url_path: str | None = None) -> Controller: ...


def openapi_enabled(app: ConfigContext) -> bool:
    """True when the app serves its spec and docs.

    That is when ``OPEN_API`` is true and the app runs in DEBUG, or ``OPEN_API_IN_PRODUCTION``
    says to serve them in production too.
    """
    if not app.get_conf("OPEN_API", True):
        return False
    return app.debug or bool(app.get_conf("OPEN_API_IN_PRODUCTION", False))


def register_openapi(app: ControllerHost) -> None:
    """Register :class:`OpenApiController` at ``OPEN_API_URL`` when :func:`openapi_enabled`."""
    if openapi_enabled(app):
        app.register_controller(OpenApiController, url_path=str(app.get_conf("OPEN_API_URL", "/openapi")))
