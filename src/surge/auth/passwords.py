"""Password hashing: argon2id for new hashes; bcrypt hashes (from older systems) still verify."""

from __future__ import annotations

import asyncio

from surge.extension import require

__all__ = ["PasswordHasher"]


class PasswordHasher:
    """Hashes and checks passwords with pwdlib.

    Checking against ``None`` (an unknown user) still spends the time of a real check, so a
    login form does not reveal which user names exist through its response time.
    """

    def __init__(self) -> None:
        pwdlib = require("pwdlib", "auth", "pwdlib[argon2,bcrypt]")
        argon2 = require("pwdlib.hashers.argon2", "auth", "pwdlib[argon2]")
        bcrypt = require("pwdlib.hashers.bcrypt", "auth", "pwdlib[bcrypt]")
        self._errors = require("pwdlib.exceptions", "auth").PwdlibError
        self._hash = pwdlib.PasswordHash((argon2.Argon2Hasher(), bcrypt.BcryptHasher()))
        self._dummy = self._hash.hash("surge-dummy-password")

    def hash(self, password: str) -> str:
        """A new argon2id hash of ``password``."""
        return self._hash.hash(password)

    def verify(self, password: str, hashed_password: str | None) -> bool:
        """True when ``password`` matches; False for a wrong password, a malformed or missing hash."""
        if not hashed_password:
            self._hash.verify(password, self._dummy)
            return False
        try:
            return bool(self._hash.verify(password, hashed_password))
        except (self._errors, ValueError, TypeError):
            return False

    def needs_rehash(self, hashed_password: str) -> bool:
        """True when the hash is not argon2id with the current parameters (e.g. bcrypt)."""
        try:
            current = self._hash.current_hasher
            return not current.identify(hashed_password) or bool(current.check_needs_rehash(hashed_password))
        except (self._errors, ValueError, TypeError):
            return True

    async def verify_async(self, password: str, hashed_password: str | None) -> bool:
        """:meth:`verify` in a worker thread: hashing is CPU work that would stall the event loop."""
        return await asyncio.to_thread(self.verify, password, hashed_password)

    async def hash_async(self, password: str) -> str:
        """:meth:`hash` in a worker thread."""
        return await asyncio.to_thread(self.hash, password)
