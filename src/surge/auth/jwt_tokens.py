"""JSON Web Tokens: created and validated with exactly one configured algorithm."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Mapping
from typing import Any

from surge.auth.config import AuthenticationConfig
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import require

__all__ = ["JwtCodec", "hmac_key"]

_HMAC_MIN_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
_HMAC_DIGEST = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def hmac_key(algorithm: str, secret: str | None, secret_key: str, key_name: str, context: bytes) -> bytes:
    """The HMAC key of ``algorithm``: ``secret`` when given, else one derived from ``secret_key``.

    A derived key always has the hash's length, whatever the length of ``secret_key``;
    ``context`` keeps keys derived for different purposes apart.

    Raises:
        ImproperlyConfigured: ``secret`` is shorter than the hash (the message names ``key_name``).
    """
    if secret is None:
        return hmac.new(secret_key.encode("utf-8"), context, _HMAC_DIGEST[algorithm]).digest()
    key = secret.encode("utf-8")
    if len(key) < _HMAC_MIN_BYTES[algorithm]:
        raise ImproperlyConfigured(f"{key_name} must be at least {_HMAC_MIN_BYTES[algorithm]} bytes for {algorithm}")
    return key


def _read_key(value: str, key_name: str, base_path: str) -> str:
    """PEM text as given, or the content of the file it names (relative to ``BASE_PATH``)."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    path = value if os.path.isabs(value) else os.path.join(base_path, value)
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise ImproperlyConfigured(f"AUTHENTICATION.{key_name}: cannot read key file {path!r}: {exc}") from None


class JwtCodec:
    """Encodes and validates tokens.

    Validation accepts only the configured algorithm (so ``alg: none`` and HS/RS confusion
    are refused), requires ``exp`` and ``iat``, checks ``nbf``, and checks ``iss`` and ``aud``
    against the configured values (a token carrying an ``aud`` is refused when none is
    configured).
    """

    def __init__(
        self,
        algorithm: str,
        signing_key: Any,
        verifying_key: Any,
        issuer: str | None = None,
        audience: str | None = None,
        leeway: int = 0,
        expires_in: int = 3600,
    ) -> None:
        self._jwt = require("jwt", "auth", "pyjwt[crypto]")
        self.algorithm = algorithm
        self._signing_key = signing_key
        self._verifying_key = verifying_key
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.expires_in = expires_in

    @classmethod
    def from_config(cls, config: AuthenticationConfig, secret_key: str, base_path: str) -> JwtCodec:
        """Build the codec from the ``AUTHENTICATION`` section.

        Raises:
            ImproperlyConfigured: a key is missing, unreadable, malformed or too short; the
                message names the key.
        """
        jwt = require("jwt", "auth", "pyjwt[crypto]")
        algorithm = config.JWT_ALGORITHM
        if algorithm in _HMAC_MIN_BYTES:
            key = hmac_key(algorithm, config.JWT_SECRET, secret_key, "AUTHENTICATION.JWT_SECRET", b"surge.auth.jwt")
            return cls(algorithm, key, key, config.JWT_ISSUER, config.JWT_AUDIENCE, config.JWT_LEEWAY, config.JWT_EXPIRES_IN)
        implementation = jwt.get_algorithm_by_name(algorithm)
        signing_key = None
        verifying_key = None
        if config.JWT_PRIVATE_KEY:
            try:
                signing_key = implementation.prepare_key(_read_key(config.JWT_PRIVATE_KEY, "JWT_PRIVATE_KEY", base_path))
                verifying_key = signing_key.public_key()
            except (ValueError, TypeError, AttributeError, jwt.InvalidKeyError) as exc:
                raise ImproperlyConfigured(f"AUTHENTICATION.JWT_PRIVATE_KEY is not a valid {algorithm} key: {exc}") from None
        if config.JWT_PUBLIC_KEY:
            try:
                verifying_key = implementation.prepare_key(_read_key(config.JWT_PUBLIC_KEY, "JWT_PUBLIC_KEY", base_path))
            except (ValueError, TypeError, jwt.InvalidKeyError) as exc:
                raise ImproperlyConfigured(f"AUTHENTICATION.JWT_PUBLIC_KEY is not a valid {algorithm} key: {exc}") from None
        if verifying_key is None:
            raise ImproperlyConfigured(
                f"AUTHENTICATION.JWT_PUBLIC_KEY or AUTHENTICATION.JWT_PRIVATE_KEY is required for {algorithm}"
            )
        return cls(
            algorithm, signing_key, verifying_key, config.JWT_ISSUER, config.JWT_AUDIENCE, config.JWT_LEEWAY, config.JWT_EXPIRES_IN
        )

    def encode(self, payload: Mapping[str, Any], expires_in: int | None = None) -> str:
        """A signed token with ``payload`` plus ``iat``, ``nbf``, ``exp`` (and ``iss``/``aud`` when configured).

        Raises:
            RuntimeError: only a public key is configured, so this app cannot sign tokens.
        """
        if self._signing_key is None:
            raise RuntimeError(f"AUTHENTICATION.JWT_PRIVATE_KEY is needed to create {self.algorithm} tokens")
        now = int(time.time())
        claims: dict[str, Any] = {"iat": now, "nbf": now}
        if self.issuer is not None:
            claims["iss"] = self.issuer
        if self.audience is not None:
            claims["aud"] = self.audience
        claims.update(payload)
        claims["exp"] = now + (self.expires_in if expires_in is None else expires_in)
        return self._jwt.encode(claims, self._signing_key, algorithm=self.algorithm)

    def decode(self, token: str) -> dict[str, Any]:
        """The claims of a valid token.

        Raises:
            jwt.InvalidTokenError: bad signature, wrong algorithm, expired, not yet valid,
                wrong issuer or audience, or malformed.
        """
        return self._jwt.decode(
            token,
            self._verifying_key,
            algorithms=[self.algorithm],
            issuer=self.issuer,
            audience=self.audience,
            leeway=self.leeway,
            options={"require": ["exp", "iat"], "verify_iat": True},
        )

    def validate(self, token: str | None) -> dict[str, Any] | None:
        """The claims of a valid token, or None for any invalid or missing one."""
        if not token:
            return None
        try:
            return self.decode(token)
        except self._jwt.InvalidTokenError:
            return None
