"""An app for the two-process test: sessions and rate limits in a Redis both processes share.

Configured from environment variables so each test run uses its own Redis key prefix.
"""

from __future__ import annotations

import os
from typing import Any

from surge import BaseConfig, Request, Response, Surge
from surge.auth import SessionAuthentication
from surge.controller import Controller, get, path, post
from surge.security import RateLimiter, Sessions, rate_limit

REDIS_URL = os.environ.get("SURGE_SHARED_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = os.environ.get("SURGE_SHARED_PREFIX", "surge-shared:")
USERS = {"ann": "ann-password"}


class Auth(SessionAuthentication):
    async def load_user(self, user_id: Any) -> Any:
        return user_id if user_id in USERS else None


sessions = Sessions()
limiter = RateLimiter()
auth = Auth()


@path("/")
class SharedApi(Controller):
    @get("/health")
    async def health(self, req: Request) -> Response:
        return req.response.json({"process": os.getpid()})

    @post("/login")
    async def login(self, req: Request) -> Response:
        form = await req.form()
        username = str(form.get("username"))
        if USERS.get(username) != form.get("password"):
            return req.response.json({"status": "error", "message": "Bad credentials"}).status(401)
        auth.login(req, username)
        return req.response.json({"process": os.getpid()})

    @get("/me")
    @auth.login_required
    async def me(self, req: Request) -> Response:
        return req.response.json({"user": req.user, "process": os.getpid()})

    @post("/guess")
    @rate_limit("5/minute")
    async def guess(self, req: Request) -> Response:
        return req.response.json({"status": "error", "message": "Wrong PIN", "process": os.getpid()}).status(401)


class Config(BaseConfig):
    SECRET_KEY: str = "shared-secret-key-for-the-two-process-test"
    DEBUG: bool = False
    ACCESS_LOG: bool = False
    SESSIONS: dict[str, Any] = {"BACKEND": "redis", "REDIS_URL": REDIS_URL, "KEY_PREFIX": PREFIX + "session:"}
    RATE_LIMITER: dict[str, Any] = {"BACKEND": "redis", "REDIS_URL": REDIS_URL, "KEY_PREFIX": PREFIX + "limit:"}
    EXTENSIONS: list[str] = [
        "surge_security_shared_app:limiter",
        "surge_security_shared_app:sessions",
        "surge_security_shared_app:auth",
    ]
    CONTROLLERS: list[str] = ["surge_security_shared_app:SharedApi"]


app = Surge(configs=Config())
