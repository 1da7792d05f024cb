"""An app whose shared state all lives in one Redis: sessions, CSRF, rate limits, cache, websockets.

Served by 4 granian workers in tests/scale and benchmarks/ws_broadcast.py; configured from
environment variables (``SURGE_SCALE_REDIS_URL``, ``SURGE_SCALE_PREFIX``) so each run has its
own keys and channel. ``create_app(redis_url=..., prefix=...)`` builds one for in-process tests.
"""

from __future__ import annotations

import os
import time
from typing import Any

from surge import BaseConfig, Request, Response, Surge
from surge.auth import SessionAuthentication
from surge.caching import Cache
from surge.controller import Controller, get, path, post, socket
from surge.security import CSRF, RateLimiter, Sessions, csrf_token, rate_limit

USERS = {"ann": "ann-password"}


class Auth(SessionAuthentication):
    async def load_user(self, user_id: Any) -> Any:
        return user_id if user_id in USERS else None


def _worker() -> int:
    return os.getpid()


@path("/")
class ScaleApi(Controller):
    @get("/health")
    async def health(self, req: Request) -> Response:
        return req.response.json({"worker": _worker(), "clients": len(self.app.websockets.clients)})

    # -- sessions and CSRF ---------------------------------------------------------------------
    @get("/token")
    async def token(self, req: Request) -> Response:
        return req.response.json({"csrf": csrf_token(req), "worker": _worker()})

    @post("/login")
    async def login(self, req: Request) -> Response:
        form = await req.form()
        username = str(form.get("username"))
        if USERS.get(username) != form.get("password"):
            return req.response.json({"status": "error", "message": "Bad credentials"}).status(401)
        self.app.state["auth"].login(req, username)
        return req.response.json({"worker": _worker()})

    @get("/me")
    async def me(self, req: Request) -> Response:
        user = await self.app.state["auth"].user_loader(req)
        return req.response.json({"user": user, "worker": _worker()})

    # -- rate limits and cache -----------------------------------------------------------------
    @get("/limited")
    @rate_limit("100/minute", key=lambda req: req.query_params.get("run", ""))
    async def limited(self, req: Request) -> Response:
        return req.response.json({"worker": _worker()})

    @post("/cache/<name>")
    async def cache_set(self, req: Request, name: str) -> Response:
        await self.app.state["cache"].set(name, {"value": await req.text(), "worker": _worker()})
        return req.response.json({"worker": _worker()})

    @get("/cache/<name>")
    async def cache_get(self, req: Request, name: str) -> Response:
        return req.response.json({"cached": await self.app.state["cache"].get(name), "worker": _worker()})

    # -- websockets ----------------------------------------------------------------------------
    @socket("/ws")
    async def ws(self, req: Request) -> None:
        await req.accept()
        await req.send_json({"client_id": self.app.websockets.client_id(req), "worker": _worker()})
        while (await req.receive())["type"] != "websocket.disconnect":
            pass

    @post("/broadcast")
    async def broadcast(self, req: Request) -> Response:
        await self.app.websockets.broadcast({"text": await req.text(), "sent_at": time.time(), "by": _worker()})
        return req.response.json({"worker": _worker()})

    @post("/push/<client_id>")
    async def push(self, req: Request, client_id: str) -> Response:
        await self.app.websockets.send(client_id, {"text": await req.text(), "by": _worker()})
        return req.response.json({"worker": _worker()})


def create_app(redis_url: str | None = None, prefix: str | None = None, broker_url: str | None = None) -> Surge:
    """The app, on ``redis_url`` with keys and channel under ``prefix`` (defaults: the environment)."""
    redis_url = redis_url or os.environ.get("SURGE_SCALE_REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = prefix or os.environ.get("SURGE_SCALE_PREFIX", "surge-scale:")

    class Config(BaseConfig):
        SECRET_KEY: str = "scale-test-secret-key-0123456789abcdef"
        DEBUG: bool = False
        ACCESS_LOG: bool = False
        SESSIONS: dict[str, Any] = {  # plain HTTP on 127.0.0.1 here: a Secure cookie would never come back
            "BACKEND": "redis",
            "REDIS_URL": redis_url,
            "KEY_PREFIX": prefix + "session:",
            "COOKIE_SECURE": False,
        }
        RATE_LIMITER: dict[str, Any] = {"BACKEND": "redis", "REDIS_URL": redis_url, "KEY_PREFIX": prefix + "limit:"}
        CACHE: dict[str, Any] = {
            "BACKEND": "surge.caching:RedisCacheBackend",
            "REDIS_URL": redis_url,
            "KEY_PREFIX": prefix + "cache:",
        }
        WEBSOCKETS: dict[str, Any] = {"BROKER": broker_url or redis_url, "CHANNEL": prefix + "websockets"}

    application = Surge(configs=Config())
    auth, cache = Auth(), Cache()
    for extension in (RateLimiter(), Sessions(), CSRF(), auth, cache):
        application.add_extension(extension)
    application.state.update(auth=auth, cache=cache)
    application.register_controller(ScaleApi)
    return application
