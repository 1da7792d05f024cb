"""The session object behind ``req.session``: a dict that knows whether it must be saved."""

from __future__ import annotations

import secrets
import time
from typing import Any, NoReturn

from surge.security.stores import StoreUnavailable

__all__ = ["Session", "UnavailableSession", "new_session_id"]


def new_session_id() -> str:
    """A fresh, unguessable session id (256 bits)."""
    return secrets.token_urlsafe(32)


class Session(dict[str, Any]):
    """Data kept for one client across requests.

    Changing a value extends the expiry by the session lifetime (sliding expiry); reading
    does not. ``touch()`` extends it without a change, ``set_expiry(seconds)`` gives this
    session its own lifetime, ``rotate()`` issues a new id (call it on login: an id planted
    before login is worthless after it), ``invalidate()`` empties and deletes the session.

    Changes inside a stored mutable value (``session["cart"].append(x)``) are not seen:
    assign the value again, or call ``touch()``.
    """

    __slots__ = ("_lifetime", "_rotated_from", "expires_at", "modified", "new", "sid", "touched")

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        sid: str | None = None,
        expires_at: float = 0.0,
        lifetime: int | None = None,
    ) -> None:
        super().__init__(data or {})
        self.new = sid is None
        self.sid = sid or new_session_id()
        self.expires_at = expires_at
        self.modified = False
        self.touched = False
        self._lifetime = lifetime
        self._rotated_from: str | None = None

    # -- changes mark the session for saving ---------------------------------------------------
    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.modified = True

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.modified = True

    def set(self, key: str, value: Any) -> None:
        """``session[key] = value`` (Atila's spelling)."""
        self[key] = value

    def clear(self) -> None:
        if self:
            self.modified = True
        super().clear()

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self.modified = True
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        item = super().popitem()
        self.modified = True
        return item

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self.modified = True
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.modified = True

    def __ior__(self, other: Any) -> Session:  # type: ignore[override,misc]
        self.update(other)
        return self

    # -- lifetime ---------------------------------------------------------------------------------
    @property
    def lifetime(self) -> int | None:
        """This session's own lifetime in seconds (None: the configured default)."""
        return self._lifetime

    def touch(self) -> None:
        """Extend the expiry by the lifetime, without changing data."""
        self.touched = True

    def set_expiry(self, seconds: int) -> None:
        """Give this session its own lifetime (from now, and at each later change)."""
        self._lifetime = int(seconds)
        self.touched = True

    def remaining(self) -> float:
        """Seconds until the session expires as last saved (0 for a new one)."""
        return max(0.0, self.expires_at - time.time()) if self.expires_at else 0.0

    def rotate(self) -> None:
        """Move the data to a new session id; the old id stops working when the response is sent."""
        if not self.new and self._rotated_from is None:
            self._rotated_from = self.sid
        self.sid = new_session_id()
        self.modified = True

    regenerate = rotate

    @property
    def rotated_from(self) -> str | None:
        """The id this session had before :meth:`rotate` (None when not rotated)."""
        return self._rotated_from

    def invalidate(self) -> None:
        """Empty the session and drop its id (logout).

        Left empty, the session is deleted and the cookie removed; anything stored afterwards
        (``flash("Logged out")``) goes into a new session with a new id.
        """
        super().clear()
        self.rotate()

    expire = invalidate

    def __repr__(self) -> str:
        return f"<Session {dict(self)!r}>"


def _unavailable(*args: Any, **kwargs: Any) -> NoReturn:
    raise StoreUnavailable("Session store unavailable, try again shortly")


class UnavailableSession(Session):
    """Stands in for a session the store could not load (Redis down).

    A handler that never uses the session is served as usual; any use of it (reading,
    writing, ``req.user`` from the session, a CSRF check, flashed messages) answers 503 with
    ``Retry-After``. Nothing is saved for it.
    """

    __slots__ = ()

    __getitem__ = __setitem__ = __delitem__ = __contains__ = __iter__ = __len__ = __ior__ = _unavailable
    get = set = pop = popitem = setdefault = update = clear = keys = values = items = copy = _unavailable
    touch = set_expiry = rotate = invalidate = regenerate = expire = _unavailable

    def __repr__(self) -> str:
        return "<Session (store unavailable)>"
