"""The role of an extension that documents how clients authenticate."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

__all__ = ["SecuritySchemeProvider"]


class SecuritySchemeProvider(ABC):
    """Adds OpenAPI security schemes (``components.securitySchemes``) to the app's document."""

    @abstractmethod
    def openapi_security_schemes(self) -> dict[str, dict[str, Any]]:
        """Scheme name -> OpenAPI security scheme object."""
