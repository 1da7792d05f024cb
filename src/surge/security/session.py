"""The session object behind ``req.session``: a dict that knows whether it must be saved."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, MutableMapping
from typing import Any, NoReturn

from surge.exceptions.base import SurgeError
from surge.security.stores import StoreUnavailable

__all__ = ["Session", "SessionNamespace", "SessionNamespaceError", "UnavailableSession", "new_session_id"]

_NAMESPACE_PREFIX = "_ns:"
_IMPENDING_SHARE = 0.2  # Atila: impending when at most 20% of the lifetime remains


class SessionNamespaceError(SurgeError, PermissionError):
    """A session namespace was written from a request outside its path."""


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

    __slots__ = (
        "_default_lifetime",
        "_lifetime",
        "_request_path",
        "_rotated_from",
        "expires_at",
        "modified",
        "new",
        "sid",
        "touched",
    )

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
        self._request_path = "/"
        self._default_lifetime: int | None = None

    def bind(self, request_path: str, default_lifetime: int) -> None:
        """Tell the session the request's path and the configured lifetime (the extension does)."""
        self._request_path = request_path
        self._default_lifetime = default_lifetime

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

    def use_time(self) -> float:
        """Seconds of the current lifetime already used: since the session was last saved."""
        lifetime = self._lifetime if self._lifetime is not None else self._default_lifetime
        if not self.expires_at or lifetime is None:
            return 0.0
        return max(0.0, lifetime - self.remaining())

    def impending(self) -> bool:
        """True when at most 20% of the lifetime remains (time to ask the user to stay signed in)."""
        lifetime = self._lifetime if self._lifetime is not None else self._default_lifetime
        if not self.expires_at or not lifetime:
            return False
        return self.remaining() <= lifetime * _IMPENDING_SHARE

    def namespace(self, name: str, path: str | None = None) -> SessionNamespace:
        """A sub-mapping stored under its own key, seen only by requests under ``path``.

        Atila's ``session.mount(name, path=...)``: ``req.session.namespace("cart", path="/shop")``
        reads and writes ``cart`` data from pages under ``/shop``; elsewhere it reads as empty
        and refuses writes. The path is kept with the data, so later calls may leave it out.
        """
        if not name:
            raise ValueError("a session namespace needs a name")
        return SessionNamespace(self, name, path)

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


def _path_covers(path: str, request_path: str) -> bool:
    base = path.rstrip("/")
    return not base or request_path == base or request_path.startswith(base + "/")


class SessionNamespace(MutableMapping[str, Any]):
    """One namespace of a session (see :meth:`Session.namespace`); changes save the session."""

    __slots__ = ("_key", "_path", "_session", "name")

    def __init__(self, session: Session, name: str, path: str | None) -> None:
        self._session = session
        self.name = name
        self._key = _NAMESPACE_PREFIX + name
        stored = session.get(self._key)
        stored_path = stored.get("path") if isinstance(stored, dict) else None
        self._path = path if path is not None else (stored_path if isinstance(stored_path, str) else "/")

    @property
    def path(self) -> str:
        """The path under which the namespace is visible."""
        return self._path

    @property
    def visible(self) -> bool:
        """Whether the current request is under the namespace's path."""
        return _path_covers(self._path, self._session._request_path)

    def _data(self) -> dict[str, Any]:
        stored = self._session.get(self._key)
        if not self.visible or not isinstance(stored, dict) or not isinstance(stored.get("data"), dict):
            return {}
        return dict(stored["data"])

    def _store(self, data: dict[str, Any]) -> None:
        if not self.visible:
            raise SessionNamespaceError(
                f"session namespace {self.name!r} belongs to {self._path!r}, not {self._session._request_path!r}"
            )
        if data:
            self._session[self._key] = {"path": self._path, "data": data}
        else:
            self._session.pop(self._key, None)

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        data = self._data()
        data[key] = value
        self._store(data)

    def __delitem__(self, key: str) -> None:
        data = self._data()
        del data[key]
        self._store(data)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def set(self, key: str, value: Any) -> None:
        """``namespace[key] = value`` (Atila's spelling)."""
        self[key] = value

    def clear(self) -> None:
        """Drop the namespace's data."""
        self._store({})

    def __repr__(self) -> str:
        return f"<SessionNamespace {self.name!r} path={self._path!r} {self._data()!r}>"


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
    touch = set_expiry = rotate = invalidate = regenerate = expire = namespace = use_time = impending = _unavailable

    def __repr__(self) -> str:
        return "<Session (store unavailable)>"
