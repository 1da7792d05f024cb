"""The roles of extensions and endpoint steps that contribute to the OpenAPI document."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

__all__ = ["ErrorResponsesProvider", "SecuritySchemeProvider"]


class SecuritySchemeProvider(ABC):
    """Adds OpenAPI security schemes (``components.securitySchemes``) to the app's document."""

    __slots__ = ()

    @abstractmethod
    def openapi_security_schemes(self) -> dict[str, dict[str, Any]]:
        """Scheme name -> OpenAPI security scheme object."""

    def openapi_default_security(self) -> list[dict[str, list[str]]]:
        """The requirement of endpoints protected by a decorator that names no scheme (plain
        ``@login_required``): any one of this provider's schemes."""
        return [{name: []} for name in self.openapi_security_schemes()]


class ErrorResponsesProvider(ABC):
    """Answers errors of its own: an endpoint step (``@rate_limit``: 429) or an extension (CSRF: 403).

    The generator asks each step of an endpoint, and each extension of the app, and documents
    the statuses it returns with the one error shape, so the document lists every status the
    operation can answer.
    """

    @abstractmethod
    def openapi_responses(self, method: str) -> Mapping[int, str]:
        """Status -> description of the errors it may answer on an operation of ``method``."""
