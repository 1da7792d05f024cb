"""Signed cookie values, in PyJolt's format: ``value|signature``, readable, impossible to alter.

The format is PyJolt's own (HMAC-SHA256 of the value with ``SECRET_KEY``, urlsafe base64),
so cookies issued by a PyJolt app stay valid after the port. With a maximum age, the signing
time rides along (``value|timestamp|signature``) and older values are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

__all__ = ["CookieSigner", "sign_cookie_value", "unsign_cookie_value"]


def _signature(secret_key: str, body: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), body.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def sign_cookie_value(value: str | int, secret_key: str, *, timestamped: bool = False) -> str:
    """``value`` (an int becomes its decimal string) followed by ``|`` and its signature.

    ``timestamped`` adds the signing time, which :func:`unsign_cookie_value` checks against ``max_age``.
    """
    body = str(value)
    if timestamped:
        body = f"{body}|{int(time.time())}"
    return f"{body}|{_signature(secret_key, body)}"


def unsign_cookie_value(signed: str | None, secret_key: str, max_age: int | None = None) -> str | None:
    """The string that was signed; None when ``signed`` is missing, tampered with or too old.

    With ``max_age``, only timestamped values younger than ``max_age`` seconds are accepted.
    """
    if not signed:
        return None
    body, bar, signature = signed.rpartition("|")
    if not bar:
        return None
    if not signature.isascii() or not hmac.compare_digest(signature, _signature(secret_key, body)):
        return None
    if max_age is None:
        return body
    value, bar, stamp = body.rpartition("|")
    if not bar or not stamp.isdigit() or time.time() - int(stamp) > max_age:
        return None
    return value


class CookieSigner:
    """Signs small values (a user id) with the app's ``SECRET_KEY``; see :func:`sign_cookie_value`."""

    def __init__(self, secret_key: str, max_age: int | None = None) -> None:
        self._secret_key = secret_key
        self.max_age = max_age

    def sign(self, value: str | int) -> str:
        """The cookie-safe signed form of ``value`` (timestamped when ``max_age`` is set)."""
        return sign_cookie_value(value, self._secret_key, timestamped=self.max_age is not None)

    def unsign(self, signed: str | None) -> str | None:
        """The string that was signed, or None when ``signed`` is missing, tampered with or too old."""
        return unsign_cookie_value(signed, self._secret_key, self.max_age)
