"""A request of the async TestClient that has not been awaited yet.

``client.get("/")`` without ``await`` is a coroutine: truthy, so ``assert client.get("/")``
passes without a request ever being sent. The client hands back this wrapper instead: awaiting
it sends the request as usual, while using it as a response (``bool()``, ``.status_code``)
raises :class:`NotAwaited` at once, and dropping it unawaited is recorded on the client, which
raises when the ``async with`` block ends.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Generator
from types import TracebackType
from typing import Any, NoReturn, TypeVar

from surge.exceptions.base import SurgeError

__all__ = ["ClientNotOpen", "NotAwaited", "PendingRequest"]

T = TypeVar("T")


class ClientNotOpen(SurgeError, RuntimeError):
    """A request was made on a TestClient outside its ``async with`` block."""


class NotAwaited(SurgeError, TypeError):
    """A TestClient request was used (or dropped) without ``await``."""


class PendingRequest(Coroutine[Any, Any, T]):
    """The coroutine of one request, which complains when it is used without ``await``."""

    __slots__ = ("_coro", "_label", "_on_dropped", "_used")

    def __init__(self, coro: Coroutine[Any, Any, T], label: str, on_dropped: Callable[[str], None]) -> None:
        self._coro = coro
        self._label = label
        self._on_dropped = on_dropped
        self._used = False  # awaited, sent into or closed: not a forgotten request

    def __await__(self) -> Generator[Any, None, T]:
        self._used = True  # the wrapper itself may be collected once this returns
        return self._coro.__await__()

    def send(self, value: Any) -> Any:
        self._used = True
        return self._coro.send(value)

    def throw(
        self,
        typ: type[BaseException] | BaseException,
        val: object = None,
        tb: TracebackType | None = None,
    ) -> Any:
        if isinstance(typ, BaseException):
            return self._coro.throw(typ)
        return self._coro.throw(val if isinstance(val, BaseException) else typ())

    def close(self) -> None:
        self._used = True
        self._coro.close()

    def _fail(self) -> NoReturn:
        raise NotAwaited(f"{self._label} was not awaited: write `await client.{self._label}`")

    def __bool__(self) -> bool:
        self._fail()

    def __getattr__(self, name: str) -> Any:
        self._fail()

    def __del__(self) -> None:
        if not self._used:
            self._coro.close()  # no second warning from Python about the inner coroutine
            self._on_dropped(self._label)
