"""A database that cannot be reached: 503 with ``Retry-After``, and two log records per outage.

The engine's hooks turn every way of not reaching the database (refused or timed-out connect,
a connection dropped mid-query, a locked SQLite file, an exhausted pool) into one error,
:class:`DatabaseUnavailable`. The app answers it with 503 and ``Retry-After``. The
:class:`OutageMonitor` logs one error when the outage starts and one record when a connection
succeeds again, with the number of requests that failed in between: never a traceback per
request, and never the statement's parameters.

The same hooks turn data errors (an int past the column's range, a string too long, a value
the driver cannot encode) into SQLAlchemy's ``DataError``, answered with 422.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from surge.exceptions.base import SurgeError

if TYPE_CHECKING:
    from loguru import Logger
    from sqlalchemy.engine import Dialect, ExceptionContext
    from sqlalchemy.ext.asyncio import AsyncEngine
    from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["DatabaseUnavailable", "OutageMonitor", "install_engine_hooks", "unavailable_reason"]

_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk i/o error")


class DatabaseUnavailable(SurgeError):
    """The database cannot be reached now; the request may be retried after ``retry_after`` seconds."""

    def __init__(self, monitor: OutageMonitor, reason: str) -> None:
        super().__init__(f"{monitor.name}: the database is unavailable ({reason})")
        self.monitor = monitor
        self.reason = reason

    @property
    def retry_after(self) -> int:
        """Seconds a client should wait before retrying (``UNAVAILABLE_RETRY_AFTER``)."""
        return self.monitor.retry_after


class OutageMonitor:
    """Whether one database is down, and how many requests failed since it went down."""

    def __init__(self, name: str, retry_after: int, logger: Logger) -> None:
        self.name = name
        self.retry_after = retry_after
        self._logger = logger
        self._lock = threading.Lock()  # the hooks may run in a sync engine's worker thread
        self.down = False
        self.failed_requests = 0

    def went_down(self, reason: str) -> None:
        """Log the start of an outage, once."""
        with self._lock:
            if self.down:
                return
            self.down = True
            self.failed_requests = 0
        self._logger.error(f"{self.name}: database unavailable ({reason}); answering 503 until it is back")

    def request_failed(self) -> None:
        """Count one request answered with 503."""
        with self._lock:
            self.failed_requests += 1

    def came_back(self) -> None:
        """Log the end of an outage, once, with the number of failed requests."""
        with self._lock:
            if not self.down:
                return
            self.down = False
            failed, self.failed_requests = self.failed_requests, 0
        self._logger.warning(f"{self.name}: database reachable again; {failed} request(s) failed during the outage")


def _causes(error: BaseException | None) -> list[BaseException]:
    found: list[BaseException] = []
    while error is not None and len(found) < 5:
        found.append(error)
        error = getattr(error, "orig", None) or error.__cause__
    return found


def unavailable_reason(error: BaseException) -> str | None:
    """A short reason if ``error`` means the database cannot be reached, else None."""
    for cause in _causes(error):
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return "the connection was lost"
        if isinstance(cause, PoolTimeout):
            return "no free connection in the pool"
        if isinstance(cause, (ConnectionError, TimeoutError, asyncio.TimeoutError)):
            return type(cause).__name__
        if isinstance(cause, OSError) and not isinstance(cause, FileNotFoundError):
            return type(cause).__name__
        if type(cause).__name__ in {"CannotConnectNowError", "TooManyConnectionsError", "ConnectionDoesNotExistError"}:
            return type(cause).__name__  # asyncpg's, matched by name: asyncpg is optional
        message = str(cause).lower()
        if type(cause).__name__ == "OperationalError" and any(text in message for text in _SQLITE_UNAVAILABLE):
            return next(text for text in _SQLITE_UNAVAILABLE if text in message)
    return None


def _is_data_error(error: BaseException) -> bool:
    for cause in _causes(error):
        if isinstance(cause, (OverflowError, DataError)):
            return True
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(state, str) and state.startswith("22"):  # SQLSTATE class 22: data exception
            return True
    return False


def install_engine_hooks(engine: AsyncEngine, monitor: OutageMonitor) -> None:
    """Listen on ``engine``: wrap connect failures and disconnects, re-class data errors."""
    sync_engine = engine.sync_engine

    def do_connect(dialect: Dialect, _record: ConnectionPoolEntry, cargs: Any, cparams: Any) -> Any:
        try:
            connection = dialect.connect(*cargs, **cparams)
        except Exception as exc:
            reason = unavailable_reason(exc)
            if reason is None:
                raise
            monitor.went_down(reason)
            raise DatabaseUnavailable(monitor, reason) from None
        monitor.came_back()
        return connection

    def handle_error(context: ExceptionContext) -> BaseException | None:
        original = context.original_exception
        if context.is_pre_ping:
            return None  # the pool reconnects by itself; a failed reconnect reaches do_connect
        if context.is_disconnect or (reason := unavailable_reason(original)) is not None:
            reason = "the connection was lost" if context.is_disconnect else reason
            monitor.went_down(reason or "the connection was lost")
            return DatabaseUnavailable(monitor, reason or "the connection was lost")
        if not isinstance(context.sqlalchemy_exception, DataError) and _is_data_error(original):
            return DataError(context.statement, None, original, hide_parameters=True)
        return None

    def commit(_connection: Any) -> None:
        if monitor.down:  # a locked SQLite file has no reconnect: a commit ends its outage
            monitor.came_back()

    event.listen(sync_engine, "do_connect", do_connect)
    event.listen(sync_engine, "handle_error", handle_error)
    event.listen(sync_engine, "commit", commit)
