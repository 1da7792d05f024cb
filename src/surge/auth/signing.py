"""Signed cookie values: readable by the client, impossible for it to alter."""

from __future__ import annotations

from typing import Any

from surge.extension import require

__all__ = ["CookieSigner"]


class CookieSigner:
    """Signs small values (a user id) with the app's ``SECRET_KEY``.

    The value is JSON-encoded, so an ``int`` comes back as an ``int``. The signature carries a
    timestamp, so values can be refused once older than ``max_age`` seconds.
    """

    def __init__(self, secret_key: str, salt: str = "surge.auth.cookie", max_age: int | None = None) -> None:
        itsdangerous = require("itsdangerous", "auth")
        self._serializer = itsdangerous.URLSafeTimedSerializer(secret_key, salt=salt)
        self._bad = itsdangerous.BadData
        self.max_age = max_age

    def sign(self, value: str | int) -> str:
        """The cookie-safe signed form of ``value``."""
        return self._serializer.dumps(value)

    def unsign(self, signed: str | None) -> Any:
        """The original value, or None when ``signed`` is missing, tampered with or too old."""
        if not signed:
            return None
        try:
            return self._serializer.loads(signed, max_age=self.max_age)
        except self._bad:
            return None
