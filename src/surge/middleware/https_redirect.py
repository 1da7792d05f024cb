"""Redirect plain-HTTP requests to HTTPS: 301 for GET/HEAD, 308 for other methods (the body is kept).

List ``"surge.middleware.https_redirect:HttpsRedirectMiddleware"`` in ``MIDDLEWARE``. Behind a
TLS-terminating proxy the app sees ``http``; list the proxy's address in
``HTTPS_REDIRECT = {"TRUSTED_PROXIES": ["10.0.0.5"]}`` and its ``X-Forwarded-Proto`` is
believed. From any other peer the header is ignored: a client cannot talk its way out of
the redirect (or into a loop) by sending it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from surge.exceptions.config import ImproperlyConfigured, config_problems
from surge.exceptions.http import BadRequest
from surge.middleware.base import MiddlewareBase, Next
from surge.types import AppContext

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["HttpsRedirectConfig", "HttpsRedirectMiddleware"]

_HOST = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


class HttpsRedirectConfig(BaseModel):
    """The ``HTTPS_REDIRECT`` config section."""

    model_config = ConfigDict(extra="forbid")

    TRUSTED_PROXIES: list[str] = Field(
        default_factory=list, description="Peer addresses whose X-Forwarded-Proto is believed ('*': any peer)"
    )
    HTTPS_PORT: int = Field(443, ge=1, le=65535, description="The port HTTPS is served on")


class HttpsRedirectMiddleware(MiddlewareBase):
    """Answers plain-HTTP requests with a redirect to the same URL on https."""

    def __init__(self, app: AppContext, next_app: Next | None = None) -> None:
        super().__init__(app, next_app)
        raw = app.get_conf("HTTPS_REDIRECT", None) or {}
        try:
            self.config = HttpsRedirectConfig.model_validate(raw)
        except ValidationError as exc:
            raise ImproperlyConfigured(f"Invalid configuration: {config_problems(exc, 'HTTPS_REDIRECT')}") from None
        self.trusted = frozenset(self.config.TRUSTED_PROXIES)

    def scheme(self, req: Request) -> str:
        """The scheme the client used: the proxy's ``X-Forwarded-Proto`` when the peer is trusted."""
        scheme: str = req.scope.get("scheme", "http")
        if self.trusted:
            client = req.client
            if "*" in self.trusted or (client is not None and client[0] in self.trusted):
                forwarded = req.header(b"x-forwarded-proto")
                if forwarded:
                    scheme = forwarded.split(",", 1)[0].strip().lower()
        return scheme

    async def middleware(self, req: Request) -> Response:
        """Redirect when the request came over plain HTTP, else pass it on."""
        if self.scheme(req) in ("https", "wss"):
            return await self.next(req)
        host = req.header(b"host") or ""
        if not _HOST.fullmatch(host):
            raise BadRequest("Missing or malformed Host header")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        port = self.config.HTTPS_PORT
        path = req.scope.get("raw_path", b"").decode("latin-1") or req.path  # as sent: %2F stays %2F
        target = f"https://{name}{'' if port == 443 else f':{port}'}{path}"
        if req.query_string:
            target += f"?{req.query_string}"
        status = 301 if req.method in ("GET", "HEAD") else 308
        return req.response.redirect(target, status).text(f"Redirecting to {target}")
