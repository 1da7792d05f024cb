"""Errors of REST resources: configuration mistakes at startup, client mistakes per request."""

from __future__ import annotations

from typing import Any

from surge.exceptions.base import SurgeError
from surge.exceptions.config import ImproperlyConfigured

__all__ = ["ConfigurationError", "RestError"]


class ConfigurationError(ImproperlyConfigured):
    """A resource is declared wrongly (the seed's name); raised at class creation or registration.

    The message names the endpoint class and the field or ``Meta`` option at fault.
    """


class RestError(SurgeError):
    """A client error a resource answers with the seed's body: ``{"detail": ...}``.

    Args:
        status_code: the HTTP status.
        detail: a message, or a list of field errors for 422.
        headers: extra response headers (``Allow``, ``Retry-After``, ``WWW-Authenticate``).
        extra: more keys for the body (e.g. the constraint a write broke).
    """

    def __init__(
        self,
        status_code: int,
        detail: object,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail if isinstance(detail, str) else f"HTTP {status_code}")
        self.status_code = status_code
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        return {"detail": self.detail, **self.extra}
