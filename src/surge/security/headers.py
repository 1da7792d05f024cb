"""Security headers on every response (config section ``SECURITY_HEADERS``).

Defaults follow current guidance (OWASP Secure Headers): no MIME sniffing, no framing, a
referrer policy that keeps paths on the site, an opener policy isolating the window, and
HSTS on HTTPS responses only (on plain HTTP it would be ignored, and localhost development
must not be pinned to HTTPS). A Content-Security-Policy depends on the pages, so it is
opt-in. A header the handler set itself is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from surge.extension import BaseExtension
from surge.middleware.base import MiddlewareBase
from surge.roles import MiddlewareProvider

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["SecurityHeaders", "SecurityHeadersConfig", "SecurityHeadersMiddleware"]


class SecurityHeadersConfig(BaseModel):
    """Keys of ``SECURITY_HEADERS = {...}``; ``None`` (or 0 for HSTS) leaves a header out."""

    model_config = ConfigDict(extra="forbid")

    X_CONTENT_TYPE_OPTIONS: str | None = "nosniff"
    X_FRAME_OPTIONS: str | None = "DENY"
    REFERRER_POLICY: str | None = "strict-origin-when-cross-origin"
    CROSS_ORIGIN_OPENER_POLICY: str | None = "same-origin"
    HSTS_SECONDS: int = Field(31536000, ge=0, description="Strict-Transport-Security max-age on HTTPS; 0: off")
    HSTS_INCLUDE_SUBDOMAINS: bool = True
    HSTS_PRELOAD: bool = False
    CONTENT_SECURITY_POLICY: str | None = Field(None, description="e.g. \"default-src 'self'\"; opt-in")
    CONTENT_SECURITY_POLICY_REPORT_ONLY: bool = Field(False, description="Send the CSP as Report-Only")
    EXTRA: dict[str, str] = Field(default_factory=dict, description="More headers, e.g. Permissions-Policy")


class SecurityHeaders(BaseExtension[SecurityHeadersConfig], MiddlewareProvider):
    """Adds the configured headers to every HTTP response; list it first in EXTENSIONS."""

    config_model = SecurityHeadersConfig

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name)
        self.headers: tuple[tuple[str, str], ...] = ()
        self.hsts: str | None = None

    def configure(self, app: Surge, config: SecurityHeadersConfig) -> None:
        """Decide the headers once, from ``SECURITY_HEADERS``."""
        headers: list[tuple[str, str]] = []
        optional = (
            ("X-Content-Type-Options", config.X_CONTENT_TYPE_OPTIONS),
            ("X-Frame-Options", config.X_FRAME_OPTIONS),
            ("Referrer-Policy", config.REFERRER_POLICY),
            ("Cross-Origin-Opener-Policy", config.CROSS_ORIGIN_OPENER_POLICY),
        )
        headers.extend((name, value) for name, value in optional if value)
        if config.CONTENT_SECURITY_POLICY:
            name = "Content-Security-Policy-Report-Only" if config.CONTENT_SECURITY_POLICY_REPORT_ONLY else "Content-Security-Policy"
            headers.append((name, config.CONTENT_SECURITY_POLICY))
        headers.extend(config.EXTRA.items())
        self.headers = tuple(headers)
        if config.HSTS_SECONDS:
            hsts = f"max-age={config.HSTS_SECONDS}"
            if config.HSTS_INCLUDE_SUBDOMAINS:
                hsts += "; includeSubDomains"
            if config.HSTS_PRELOAD:
                hsts += "; preload"
            self.hsts = hsts

    def middleware(self) -> Sequence[MiddlewareBase]:
        """The middleware that sets the headers."""
        return (SecurityHeadersMiddleware(self.app, extension=self),)


class SecurityHeadersMiddleware(MiddlewareBase):
    """Sets the headers after the rest of the app answered."""

    sees_error_responses = True  # its headers/cookie go on error responses too

    def __init__(self, app: Surge, *, extension: SecurityHeaders) -> None:
        super().__init__(app)
        self._headers = extension.headers
        self._hsts = extension.hsts

    async def middleware(self, req: Request) -> Response:
        response = await self.next(req)
        headers = response.headers
        present = {name.lower() for name in headers}
        for name, value in self._headers:
            if name.lower() not in present:
                headers[name] = value
        if self._hsts is not None and req.scope.get("scheme") == "https" and "strict-transport-security" not in present:
            headers["Strict-Transport-Security"] = self._hsts
        return response
