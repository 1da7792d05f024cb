"""Time-based one-time passwords (TOTP, RFC 6238) for two-factor login, with pyotp.

The user's secret is stored server-side (per user); the authenticator app shows the code.
:func:`verify_totp_once` refuses a code already used, so a code seen over someone's
shoulder cannot be replayed within its 30 seconds.
"""

from __future__ import annotations

from typing import Any

from surge.extension import require
from surge.security.stores import SecurityStore

__all__ = ["generate_totp_secret", "totp_now", "totp_provisioning_uri", "verify_totp", "verify_totp_once"]


def _pyotp() -> Any:
    return require("pyotp", "auth")


def generate_totp_secret() -> str:
    """A new random base32 secret for one user."""
    return _pyotp().random_base32()


def totp_now(secret: str) -> str:
    """The code valid now (what the authenticator app shows)."""
    return _pyotp().TOTP(secret).now()


def totp_provisioning_uri(secret: str, name: str, issuer: str) -> str:
    """The ``otpauth://`` URI to show as a QR code when the user enrolls."""
    return _pyotp().TOTP(secret).provisioning_uri(name=name, issuer_name=issuer)


def verify_totp(secret: str, code: str | None, valid_window: int = 1) -> bool:
    """True when ``code`` is valid now, or ``valid_window`` steps of 30 s before or after (clock skew)."""
    if not code or not code.strip().isdigit():
        return False
    try:
        return bool(_pyotp().TOTP(secret).verify(code.strip(), valid_window=valid_window))
    except (ValueError, TypeError):
        return False


async def verify_totp_once(
    secret: str, code: str | None, store: SecurityStore, user_key: str, valid_window: int = 1
) -> bool:
    """:func:`verify_totp`, refusing a code the same user already used (remembered in ``store``)."""
    if not verify_totp(secret, code, valid_window):
        return False
    assert code is not None
    ttl = 30 * (2 * valid_window + 1)
    return await store.add(f"totp:{user_key}:{code.strip()}", b"1", ttl)
