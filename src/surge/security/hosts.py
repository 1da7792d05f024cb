"""Host header validation against ``ALLOWED_HOSTS`` (400 on any other host).

Without it, a forged ``Host`` reaches code that builds absolute URLs from it (password reset
links, redirects) and poisons caches. Patterns: ``"example.com"`` (exactly),
``".example.com"`` (the domain and its subdomains), ``"*.example.com"`` (subdomains only),
``"*"`` (anything: turns the check off). Ports are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import BadRequest
from surge.extension import BaseExtension, NoConfig
from surge.middleware.base import MiddlewareBase
from surge.roles import MiddlewareProvider

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["AllowedHosts", "AllowedHostsMiddleware", "InvalidHost", "host_allowed", "split_host"]

_HOST = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::(\d{1,5}))?$")


class InvalidHost(BadRequest):
    """The Host header is missing, malformed or not allowed (400)."""

    default_message = "Invalid Host header"


def split_host(value: str) -> str | None:
    """The host name of a Host header value, lowercased and without port; None if malformed."""
    match = _HOST.match(value.strip().lower())
    if match is None:
        return None
    return match.group(1).rstrip(".")


def host_allowed(host: str, patterns: tuple[str, ...]) -> bool:
    """True when ``host`` (as :func:`split_host` returns it) matches one of ``patterns``."""
    for pattern in patterns:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
        if pattern.startswith(".") and (host == pattern[1:] or host.endswith(pattern)):
            return True
    return False


class AllowedHosts(BaseExtension[NoConfig], MiddlewareProvider):
    """Refuses requests whose Host is not in the top-level ``ALLOWED_HOSTS`` list.

    List it early in EXTENSIONS (right after SecurityHeaders, whose headers then reach the
    400 too) so that a bad host is refused before sessions or rate limits do any work.
    """

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name or "ALLOWED_HOSTS")
        self.patterns: tuple[str, ...] = ()

    def validate_config(self, app: Surge) -> NoConfig:
        """Check ``ALLOWED_HOSTS`` (a list, not a section: it has no config model).

        Raises:
            ImproperlyConfigured: ``ALLOWED_HOSTS`` is missing, empty, or not a list of strings.
        """
        raw = app.get_conf(self.configs_name, None)
        if not raw or isinstance(raw, str) or not all(isinstance(item, str) and item for item in raw):
            raise ImproperlyConfigured(
                f'{self.configs_name} must be a non-empty list of host names, e.g. ["example.com", ".example.com"]'
            )
        return super().validate_config(app)

    def configure(self, app: Surge, config: NoConfig) -> None:
        """Normalize the host patterns."""
        self.patterns = tuple(item.strip().lower().rstrip(".") for item in app.get_conf(self.configs_name))

    def middleware(self) -> Sequence[MiddlewareBase]:
        """The check."""
        return (AllowedHostsMiddleware(self.app, extension=self),)


class AllowedHostsMiddleware(MiddlewareBase):
    """The check, before anything else."""

    def __init__(self, app: Surge, *, extension: AllowedHosts) -> None:
        super().__init__(app)
        self._patterns = extension.patterns
        self._any = "*" in self._patterns

    async def middleware(self, req: Request) -> Response:
        if not self._any:
            raw = req.header(b"host")
            host = split_host(raw) if raw else None
            if host is None or not host_allowed(host, self._patterns):
                raise InvalidHost()
        return await self.next(req)
