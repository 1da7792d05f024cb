"""How a push to websockets reaches every process: the fan-out backend interface.

A :class:`~surge.websocket_registry.WebsocketRegistry` holds the sockets connected to its own
process. What must reach sockets elsewhere (a broadcast, a send to a client another worker
holds, a join from a request served by another worker) travels as an :class:`Envelope`
through a :class:`FanoutBackend`: the backend hands every envelope published by any process to
every process's ``deliver``. :class:`InProcessFanout` is the one-process backend (the default);
a shared-store backend (Redis, NATS) ships :meth:`Envelope.encode` bytes instead.
"""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from surge.exceptions.http import BaseHttpException
from surge.http.status import HttpStatus

__all__ = ["Deliver", "Envelope", "FanoutBackend", "FanoutUnavailable", "InProcessFanout", "Operation"]

Operation = Literal["send", "broadcast", "join", "leave"]
"""What an envelope asks each process to do with its own sockets."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """One push, as every process receives it.

    Attributes:
        op: ``send`` (to ``client_id``), ``broadcast`` (to ``group``, or every socket when
            None), ``join`` / ``leave`` (``client_id`` into or out of ``group``).
        client_id: the target client (``send``, ``join``, ``leave``).
        group: the target group (``broadcast``, ``join``, ``leave``).
        text: a text frame's payload.
        data: a binary frame's payload.
    """

    op: Operation
    client_id: str | None = None
    group: str | None = None
    text: str | None = None
    data: bytes | None = None

    def encode(self) -> bytes:
        """The envelope as JSON bytes, for a backend that crosses processes."""
        raw: dict[str, Any] = {"op": self.op, "client_id": self.client_id, "group": self.group, "text": self.text}
        if self.data is not None:
            raw["data"] = base64.b64encode(self.data).decode("ascii")
        return orjson.dumps(raw)

    @classmethod
    def decode(cls, raw: bytes | str) -> Envelope:
        """The envelope :meth:`encode` made.

        Raises:
            ValueError: ``raw`` is not an encoded envelope.
        """
        try:
            fields = orjson.loads(raw)
            op = fields["op"]
            data = fields.get("data")
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"Not a websocket envelope: {exc}") from None
        if op not in ("send", "broadcast", "join", "leave"):
            raise ValueError(f"Not a websocket envelope operation: {op!r}")
        return cls(
            op=op,
            client_id=fields.get("client_id"),
            group=fields.get("group"),
            text=fields.get("text"),
            data=None if data is None else base64.b64decode(data),
        )


class FanoutUnavailable(BaseHttpException):
    """The broker that carries pushes between processes cannot be reached: 503 with ``Retry-After``.

    A handler that pushes while the broker is down answers 503 (never a 500) without a
    handler of its own; nothing of that push was delivered.
    """

    status_code = HttpStatus.SERVICE_UNAVAILABLE
    default_message = "Websocket broker unavailable, try again shortly"

    def __init__(self, message: str | None = None, retry_after: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


Deliver = Callable[[Envelope], Awaitable[None]]
"""What a backend calls for every envelope: the registry acting on its own sockets."""


class FanoutBackend(ABC):
    """Carries envelopes between the processes that serve one app."""

    @abstractmethod
    async def start(self, deliver: Deliver) -> None:
        """Begin handing every envelope published (by any process) to ``deliver``."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop delivering and release connections."""

    @abstractmethod
    async def publish(self, envelope: Envelope) -> None:
        """Hand ``envelope`` to every process's ``deliver``, this one's included."""


class InProcessFanout(FanoutBackend):
    """The single-process backend: publishing is delivering."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def stop(self) -> None:
        self._deliver = None

    async def publish(self, envelope: Envelope) -> None:
        if self._deliver is None:
            raise RuntimeError("The websocket registry is not started (the app has not started)")
        await self._deliver(envelope)
