"""The dashboard's home page, its login page, its static files and the cache page."""

from __future__ import annotations

import os

from surge.admin._errors import AdminNotFound
from surge.admin._queries import table_counts
from surge.admin.common_controller import CommonAdminController
from surge.controller import get, post
from surge.http.request import Request
from surge.http.response import Response

__all__ = ["AdminController"]


class AdminController(CommonAdminController):
    """Home (databases overview and the app's services), login, static files, caches."""

    @get("/")
    async def index(self, req: Request) -> Response:
        """The home page: each database's tables with row counts, and the services the app has."""
        await self.can_enter(req)
        overview = [(database, await table_counts(database)) for database in self.dashboard.all_dbs]
        return await self.page(req, "index.html", {"overview": overview})

    @get("/login")
    async def login(self, req: Request) -> Response:
        """A login form posting to the app's ``URL_FOR_FOR_LOGIN`` endpoint (back here afterwards)."""
        next_page = req.query_params.get("next") or self.dashboard.renderer.url("/")
        return await self.page(req, "login.html", {"next": next_page, "hide_nav": True})

    @get("/static/<path:filename>")
    async def static(self, req: Request, filename: str) -> Response:
        """The dashboard's CSS, scripts and vendored libraries (from the package, never a CDN)."""
        folder = os.path.join(self.dashboard.root_path, "static")
        candidate = os.path.realpath(os.path.join(folder, filename))
        if os.path.commonpath([candidate, folder]) != folder or not os.path.isfile(candidate):
            raise AdminNotFound(f"No static file {filename!r}.")
        return req.response.send_file(candidate, headers={"cache-control": "public, max-age=3600"})

    @get("/caches")
    async def caches(self, req: Request) -> Response:
        """The app's caches, with a clear button for each the user may clear."""
        await self.can_enter(req)
        caches = self.dashboard.get_cache_interfaces() or {}
        allowed = {name: await self.dashboard.has_cache_permission(req, cache) for name, cache in caches.items()}
        notice = "Cache cleared." if req.query_params.get("notice") == "cleared" else None
        return await self.page(req, "caches.html", {"cache_permissions": allowed, "notice": notice})

    @post("/caches/<string:cache_name>/clear")
    async def reset_cache(self, req: Request, cache_name: str) -> Response:
        """Clear one cache (every key), then show the cache page."""
        await self.can_enter(req)
        cache = (self.dashboard.get_cache_interfaces() or {}).get(cache_name)
        if cache is None:
            raise AdminNotFound(f"No cache named {cache_name!r}.")
        self.require(req, await self.dashboard.has_cache_permission(req, cache), f"clear the cache {cache_name}")
        await self.checked_form(req)
        await cache.clear()
        self.dashboard.log_action(req, "cache-clear", cache=cache_name)
        return req.response.redirect(self.dashboard.renderer.url("/caches?notice=cleared"))
