"""Where session data lives: inside a signed cookie, or in a store keyed by a signed id."""

from __future__ import annotations

import base64
import binascii
import time
from abc import ABC, abstractmethod
from typing import Any

import orjson

from surge.extension import require
from surge.security.session import Session
from surge.security.stores import SecurityStore

__all__ = ["CookieSessionBackend", "SessionBackend", "StoreSessionBackend"]


def _signer(secret_key: str, salt: str) -> Any:
    itsdangerous = require("itsdangerous", "auth")
    return itsdangerous.Signer(secret_key, salt=salt)


def _encode(session: Session, expires_at: float) -> bytes:
    payload: dict[str, Any] = {"i": session.sid, "e": expires_at, "d": dict(session)}
    if session.lifetime is not None:
        payload["l"] = session.lifetime
    return orjson.dumps(payload)


def _decode(raw: bytes) -> Session | None:
    """The session in ``raw``, or None when it is malformed or expired."""
    try:
        payload = orjson.loads(raw)
        expires_at = float(payload["e"])
        data = payload["d"]
        sid = str(payload["i"])
        lifetime = payload.get("l")
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if expires_at <= time.time() or not isinstance(data, dict):
        return None
    return Session(data, sid=sid, expires_at=expires_at, lifetime=int(lifetime) if lifetime is not None else None)


class SessionBackend(ABC):
    """Loads a session from the cookie value and saves it back."""

    def __init__(self, lifetime: int) -> None:
        self.lifetime = lifetime

    def lifetime_of(self, session: Session) -> int:
        """The lifetime that applies to ``session``."""
        return session.lifetime if session.lifetime is not None else self.lifetime

    @abstractmethod
    async def load(self, cookie_value: str | None) -> Session:
        """The session for ``cookie_value``; a new, empty one when missing, invalid or expired."""

    @abstractmethod
    async def save(self, session: Session) -> str:
        """Persist ``session`` for its lifetime; returns the cookie value to send."""

    @abstractmethod
    async def delete(self, session: Session) -> None:
        """Forget ``session`` (and the id it had before a rotation)."""

    async def close(self) -> None:  # noqa: B027 - a no-op default, not an abstract step
        """Release connections."""


class CookieSessionBackend(SessionBackend):
    """The whole session, JSON-encoded and signed, in the cookie (the default; nothing to run).

    The client can read but not alter it, and it cannot be revoked before it expires: keep
    secrets out of it, and use the Redis backend when sessions must be revocable.
    """

    def __init__(self, secret_key: str, lifetime: int) -> None:
        super().__init__(lifetime)
        self._signer = _signer(secret_key, "surge.sessions.cookie")
        self._bad = require("itsdangerous", "auth").BadSignature

    async def load(self, cookie_value: str | None) -> Session:
        if not cookie_value:
            return Session()
        try:
            raw = base64.urlsafe_b64decode(self._signer.unsign(cookie_value.encode("ascii")))
        except (self._bad, binascii.Error, UnicodeEncodeError, ValueError):
            return Session()
        return _decode(raw) or Session()

    async def save(self, session: Session) -> str:
        expires_at = time.time() + self.lifetime_of(session)
        session.expires_at = expires_at
        encoded = base64.urlsafe_b64encode(_encode(session, expires_at))
        return self._signer.sign(encoded).decode("ascii")

    async def delete(self, session: Session) -> None:
        """Nothing is stored server-side; removing the cookie is all there is."""


class StoreSessionBackend(SessionBackend):
    """Session data in a :class:`SecurityStore` (Redis for several processes), the signed id in the cookie.

    An id the store does not know is never adopted: the client gets a fresh id, so an
    attacker cannot choose the id a victim will use.
    """

    def __init__(self, secret_key: str, lifetime: int, store: SecurityStore) -> None:
        super().__init__(lifetime)
        self.store = store
        self._signer = _signer(secret_key, "surge.sessions.id")
        self._bad = require("itsdangerous", "auth").BadSignature

    async def load(self, cookie_value: str | None) -> Session:
        if not cookie_value:
            return Session()
        try:
            sid = self._signer.unsign(cookie_value.encode("ascii")).decode("ascii")
        except (self._bad, UnicodeError):
            return Session()
        raw = await self.store.get(sid)
        if raw is None:
            return Session()
        session = _decode(raw)
        if session is None or session.sid != sid:
            return Session()
        return session

    async def save(self, session: Session) -> str:
        if session.rotated_from is not None:
            await self.store.delete(session.rotated_from)
        lifetime = self.lifetime_of(session)
        session.expires_at = time.time() + lifetime
        await self.store.set(session.sid, _encode(session, session.expires_at), lifetime)
        return self._signer.sign(session.sid.encode("ascii")).decode("ascii")

    async def delete(self, session: Session) -> None:
        if session.rotated_from is not None:
            await self.store.delete(session.rotated_from)
        if not session.new and session.rotated_from is None:
            await self.store.delete(session.sid)

    async def close(self) -> None:
        await self.store.close()
