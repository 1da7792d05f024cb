"""The ``UPSTREAMS`` config: named groups of HTTP servers, validated once at startup."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from surge.exceptions.config import ImproperlyConfigured, config_problems

__all__ = ["UpstreamConfig", "load_upstreams"]


class UpstreamConfig(BaseModel):
    """One entry of ``UPSTREAMS = {"billing": {...}}``."""

    model_config = ConfigDict(extra="forbid")

    URLS: list[str] = Field(min_length=1, description="Base URLs of the members, e.g. http://10.0.0.5:8000")
    TIMEOUT: float = Field(5.0, gt=0, description="Seconds to wait for connect, each read and each write")
    RETRIES: int = Field(1, ge=0, description="Other members tried after a connection failure")
    FAIL_TIMEOUT: float = Field(10.0, gt=0, description="Seconds a member that failed to connect is skipped")
    MAX_CONNECTIONS: int = Field(100, gt=0, description="Open connections kept to the whole group")

    @field_validator("URLS")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        cleaned = []
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http:// or https:// URL with a host")
            if parts.query or parts.fragment:
                raise ValueError(f"{url!r}: a member URL has no query or fragment")
            cleaned.append(url.rstrip("/"))
        return cleaned


def load_upstreams(raw: object) -> dict[str, UpstreamConfig]:
    """Validate the ``UPSTREAMS`` value (a dict of name -> section).

    Raises:
        ImproperlyConfigured: a section is invalid; the message names ``UPSTREAMS.<name>.KEY``.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(f"UPSTREAMS must be a dict of name -> settings, got {type(raw).__name__}")
    configs: dict[str, UpstreamConfig] = {}
    for name, section in raw.items():
        if isinstance(section, UpstreamConfig):
            configs[str(name)] = section
            continue
        try:
            configs[str(name)] = UpstreamConfig.model_validate(section)
        except ValidationError as exc:
            raise ImproperlyConfigured(f"Invalid configuration: {config_problems(exc, f'UPSTREAMS.{name}')}") from None
    return configs
