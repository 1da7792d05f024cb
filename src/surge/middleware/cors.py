"""CORS policies, resolved per endpoint at startup (global config, ``@cors``, ``@no_cors``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

__all__ = ["CorsPolicy"]


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """One CORS policy.

    With ``allow_origins=["*"]`` and credentials allowed, the request's origin is echoed back
    (with ``Vary: Origin``) instead of ``*``: browsers reject ``*`` together with credentials.
    """

    allow_origins: tuple[str, ...] = ("*",)
    allow_methods: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
    allow_headers: tuple[str, ...] = ("Authorization", "Content-Type")
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = True
    max_age: int | None = None

    @classmethod
    def from_config(cls, config: Any) -> CorsPolicy:
        """The global policy from the ``CORS_*`` config keys."""
        return cls(
            allow_origins=tuple(config.CORS_ALLOW_ORIGINS),
            allow_methods=tuple(m.upper() for m in config.CORS_ALLOW_METHODS),
            allow_headers=tuple(config.CORS_ALLOW_HEADERS),
            expose_headers=tuple(config.CORS_EXPOSE_HEADERS),
            allow_credentials=bool(config.CORS_ALLOW_CREDENTIALS),
            max_age=config.CORS_MAX_AGE,
        )

    def override(self, values: dict[str, Any]) -> CorsPolicy:
        """This policy with the keys of an ``@cors(...)`` decorator replaced."""
        changes: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items()}
        if "allow_methods" in changes:
            changes["allow_methods"] = tuple(m.upper() for m in changes["allow_methods"])
        return replace(self, **changes)

    def origin_allowed(self, origin: str) -> bool:
        """True when ``origin`` may make requests."""
        return "*" in self.allow_origins or origin in self.allow_origins

    def _allow_origin_value(self, origin: str) -> str:
        if "*" in self.allow_origins and not self.allow_credentials:
            return "*"
        return origin

    def response_headers(self, origin: str) -> dict[str, str]:
        """Headers added to an actual (non-preflight) response for an allowed ``origin``."""
        headers = {"Access-Control-Allow-Origin": self._allow_origin_value(origin)}
        if headers["Access-Control-Allow-Origin"] != "*":
            headers["Vary"] = "Origin"
        if self.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        if self.expose_headers:
            headers["Access-Control-Expose-Headers"] = ", ".join(self.expose_headers)
        return headers

    def preflight_headers(self, origin: str, requested_headers: str | None) -> dict[str, str]:
        """Headers of the answer to an allowed preflight request."""
        headers = self.response_headers(origin)
        headers.pop("Access-Control-Expose-Headers", None)
        headers["Access-Control-Allow-Methods"] = ", ".join(self.allow_methods)
        if "*" in self.allow_headers and requested_headers:
            headers["Access-Control-Allow-Headers"] = requested_headers
        elif self.allow_headers:
            headers["Access-Control-Allow-Headers"] = ", ".join(self.allow_headers)
        if self.max_age is not None:
            headers["Access-Control-Max-Age"] = str(self.max_age)
        return headers

    def headers_allowed(self, requested_headers: str | None) -> bool:
        """True when every header named in ``Access-Control-Request-Headers`` is allowed."""
        if not requested_headers or "*" in self.allow_headers:
            return True
        allowed = {h.lower() for h in self.allow_headers}
        simple = {"accept", "accept-language", "content-language"}
        return all(
            h.strip().lower() in allowed or h.strip().lower() in simple
            for h in requested_headers.split(",")
            if h.strip()
        )
