"""Make sqlite-vec's functions (``vec_distance_cosine``, ...) available to SQLite connections.

Python's ``sqlite3`` loads extensions per connection with ``enable_load_extension``; some
builds (pyenv's default, macOS' system Python) leave that method out. There, sqlite-vec is
registered once per process with SQLite's own ``sqlite3_auto_extension``, which runs its
entry point for every connection opened afterwards.
"""

from __future__ import annotations

import ctypes
import sqlite3
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

__all__ = ["ensure_sqlite_vec", "sqlite_vec_ready"]

_lock = threading.Lock()
_state: dict[str, bool] = {}


def _per_connection_loading() -> bool:
    return hasattr(sqlite3.Connection, "enable_load_extension")


def _load_into(dbapi_connection: Any, path: str) -> None:
    """Load sqlite-vec into a new connection (stdlib sqlite3 or SQLAlchemy's aiosqlite adapter)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.enable_load_extension(True)
        dbapi_connection.load_extension(path)
        dbapi_connection.enable_load_extension(False)
        return
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is None or not hasattr(driver, "load_extension"):
        return  # not a SQLite connection

    async def load(conn: Any) -> None:
        await conn.enable_load_extension(True)
        await conn.load_extension(path)
        await conn.enable_load_extension(False)

    dbapi_connection.run_async(load)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    import sqlite_vec

    _load_into(dbapi_connection, sqlite_vec.loadable_path())


def _register_auto_extension() -> None:
    import _sqlite3

    import sqlite_vec

    library = ctypes.CDLL(_sqlite3.__file__)  # resolves the libsqlite3 the sqlite3 module uses
    extension = ctypes.CDLL(sqlite_vec.loadable_path() + ".so")
    auto_extension = library.sqlite3_auto_extension
    auto_extension.argtypes = [ctypes.c_void_p]
    auto_extension.restype = ctypes.c_int
    if auto_extension(ctypes.cast(extension.sqlite3_vec_init, ctypes.c_void_p)) != 0:
        raise RuntimeError("sqlite3_auto_extension refused sqlite-vec")


def ensure_sqlite_vec() -> bool:
    """Arrange (once per process) for sqlite-vec to be in every SQLite connection opened from now on.

    Returns:
        True when sqlite-vec is installed and hooked in; False when the package is missing.
    """
    with _lock:
        if "ready" in _state:
            return _state["ready"]
        try:
            import sqlite_vec  # noqa: F401
        except ImportError:
            _state["ready"] = False
            return False
        if _per_connection_loading():
            event.listen(Engine, "connect", _on_connect)
        else:
            _register_auto_extension()
        _state["ready"] = True
        return True


def sqlite_vec_ready() -> bool:
    """Whether :func:`ensure_sqlite_vec` hooked sqlite-vec in."""
    return _state.get("ready", False)
