"""One-time tokens: signed, expiring payloads for links (password reset, e-mail confirmation).

Like a JWT, the payload is readable by whoever holds the token: put an id in it, never a
secret. The signature (``SECRET_KEY``) makes it impossible to alter. ``consume()`` accepts
a token once: the store remembers used and revoked tokens until they expire (config section
``ONE_TIME_TOKENS``; memory for one process, Redis for several).
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from surge.exceptions.config import ImproperlyConfigured
from surge.extension import BaseExtension, require
from surge.security.stores import SecurityStore, create_store

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["OneTimeTokens", "OneTimeTokensConfig"]


class OneTimeTokensConfig(BaseModel):
    """Keys of ``ONE_TIME_TOKENS = {...}``; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    BACKEND: Literal["memory", "redis"] = Field("memory", description="Where used and revoked tokens are remembered")
    REDIS_URL: str | None = Field(None, description="Redis URL, required by the redis backend")
    KEY_PREFIX: str = Field("surge:ott:", description="Prefix of the store keys")
    DEFAULT_EXPIRES_IN: int = Field(3600, gt=0, description="Default lifetime of a token, in seconds")


class OneTimeTokens(BaseExtension[OneTimeTokensConfig]):
    """Creates and checks one-time tokens (Atila's ``encode_ott`` / ``decode_ott`` / ``revoke_ott``)."""

    config_model = OneTimeTokensConfig

    _config: OneTimeTokensConfig  # set by configure
    _serializer: Any  # an itsdangerous URLSafeSerializer (an optional dependency)
    _bad: type[Exception]
    _store: SecurityStore

    def validate_config(self, app: Surge) -> OneTimeTokensConfig:
        """Check ``SECRET_KEY``, then validate ``ONE_TIME_TOKENS``.

        Raises:
            ImproperlyConfigured: ``SECRET_KEY`` missing or a key of the section invalid.
        """
        if not app.get_conf("SECRET_KEY", None):
            raise ImproperlyConfigured(f"SECRET_KEY must be set: {self.configs_name} signs tokens with it")
        return super().validate_config(app)

    def configure(self, app: Surge, config: OneTimeTokensConfig) -> None:
        """Prepare the signer and the store.

        Raises:
            MissingDependency: itsdangerous is not installed.
            ImproperlyConfigured: the redis backend without ``REDIS_URL``.
        """
        itsdangerous = require("itsdangerous", "auth")
        self._config = config
        self._serializer = itsdangerous.URLSafeSerializer(str(app.get_conf("SECRET_KEY")), salt="surge.one-time-token")
        self._bad = itsdangerous.BadData
        self._store = create_store(self.configs_name, config.BACKEND, config.REDIS_URL, config.KEY_PREFIX)

    @property
    def store(self) -> SecurityStore:
        """Where used and revoked tokens are remembered."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._store

    @property
    def _codec(self) -> Any:
        """The itsdangerous serializer that signs the tokens with ``SECRET_KEY``."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._serializer

    def create(self, data: Any, expires_in: int | None = None, purpose: str = "default") -> str:
        """A URL-safe token carrying ``data`` (JSON-serializable), valid ``expires_in`` seconds.

        ``purpose`` binds the token to one use case: a password-reset token is refused where
        an e-mail-confirmation token is expected.
        """
        serializer = self._codec
        lifetime = self._config.DEFAULT_EXPIRES_IN if expires_in is None else int(expires_in)
        payload = {"d": data, "p": purpose, "x": int(time.time()) + lifetime, "j": secrets.token_urlsafe(12)}
        return str(serializer.dumps(payload))

    def _loads(self, token: str | None) -> object:
        """The signed payload of ``token`` (None when missing or not genuine)."""
        if not token:
            return None
        serializer = self._codec
        try:
            return serializer.loads(token)
        except self._bad:
            return None

    def _payload(self, token: str | None, purpose: str) -> dict[str, Any] | None:
        payload = self._loads(token)
        if not isinstance(payload, dict) or payload.get("p") != purpose:
            return None
        expires = payload.get("x")
        if not isinstance(expires, int) or expires <= time.time():
            return None
        return payload

    def decode(self, token: str | None, purpose: str = "default") -> Any:
        """The data of a genuine, unexpired token (None otherwise); does not look at revocations."""
        payload = self._payload(token, purpose)
        return None if payload is None else payload["d"]

    async def verify(self, token: str | None, purpose: str = "default") -> Any:
        """The data of a genuine, unexpired, unrevoked token; None otherwise. The token stays valid."""
        payload = self._payload(token, purpose)
        if payload is None or await self.store.get(payload["j"]) is not None:
            return None
        return payload["d"]

    async def consume(self, token: str | None, purpose: str = "default") -> Any:
        """Like :meth:`verify`, and the token is spent: a second use returns None (atomic)."""
        payload = self._payload(token, purpose)
        if payload is None:
            return None
        ttl = max(1, int(payload["x"] - time.time()) + 1)
        if not await self.store.add(payload["j"], b"used", ttl):
            return None
        return payload["d"]

    async def revoke(self, token: str | None) -> None:
        """Make ``token`` invalid before it expires (no effect on malformed tokens)."""
        payload = self._loads(token)
        if isinstance(payload, dict) and isinstance(payload.get("x"), int) and isinstance(payload.get("j"), str):
            ttl = max(1, int(payload["x"] - time.time()) + 1)
            await self.store.set(payload["j"], b"revoked", ttl)

    async def shutdown(self) -> None:
        """Close the store's connections."""
        await self.store.close()
