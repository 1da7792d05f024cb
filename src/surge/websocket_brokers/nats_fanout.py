"""Websocket pushes between processes through a NATS subject (nats-py).

Every process subscribes to the subject and publishes every envelope there, as with
Redis. The NATS client reconnects by itself (forever) and buffers what is published while it
reconnects; a push that cannot even be buffered raises
:class:`~surge.websocket_fanout.FanoutUnavailable` (503). A NATS server down at startup fails
the startup: the client only reconnects to a server it has reached once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from surge.exceptions.config import MissingDependency
from surge.websocket_fanout import Deliver, Envelope, FanoutBackend, FanoutUnavailable

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["NatsFanout"]


class NatsFanout(FanoutBackend):
    """Carries envelopes through the NATS subject ``subject``."""

    def __init__(
        self, url: str, subject: str = "surge:websockets", *, logger: Logger | None = None, reconnect_delay: float = 2.0
    ) -> None:
        try:
            self._nats = importlib.import_module("nats")
        except ImportError:
            raise MissingDependency("nats-py", "nats") from None
        self.url = url
        self.subject = subject
        self.logger = logger
        self.reconnect_delay = reconnect_delay
        self._client: Any = None
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver) -> None:
        """Connect and subscribe.

        Raises:
            FanoutUnavailable: the NATS server cannot be reached at startup.
        """
        self._deliver = deliver
        try:
            self._client = await self._nats.connect(
                self.url,
                allow_reconnect=True,
                max_reconnect_attempts=-1,
                reconnect_time_wait=self.reconnect_delay,
                disconnected_cb=self._disconnected,
                reconnected_cb=self._reconnected,
                error_cb=self._error,
            )
        except Exception as exc:  # nats-py raises its own errors and OSError alike
            raise FanoutUnavailable(f"Websocket broker {self.url} unreachable at startup: {exc!r}") from exc
        await self._client.subscribe(self.subject, cb=self._on_message)

    async def stop(self) -> None:
        """Drain the subscription and close the connection."""
        client, self._client = self._client, None
        self._deliver = None
        if client is not None and not client.is_closed:
            await client.close()

    async def publish(self, envelope: Envelope) -> None:
        """Publish to every subscribed process (this one included).

        Raises:
            FanoutUnavailable: the client is closed or its reconnect buffer is full (503).
            RuntimeError: the backend is not started.
        """
        client = self._client
        if client is None:
            raise RuntimeError("The websocket registry is not started (the app has not started)")
        try:
            await client.publish(self.subject, envelope.encode())
        except Exception as exc:
            raise FanoutUnavailable() from exc

    async def _on_message(self, message: Any) -> None:
        deliver = self._deliver
        if deliver is None:
            return
        try:
            envelope = Envelope.decode(message.data)
        except ValueError as exc:
            if self.logger is not None:
                self.logger.warning(f"Websocket fan-out: ignored a message on {self.subject!r}: {exc}")
            return
        try:
            await deliver(envelope)
        except Exception as exc:
            if self.logger is not None:
                self.logger.opt(exception=exc).error("Websocket fan-out: delivering a push failed")

    async def _disconnected(self) -> None:
        if self.logger is not None and self._client is not None:
            self.logger.error("Websocket fan-out: NATS connection lost, reconnecting")

    async def _reconnected(self) -> None:
        if self.logger is not None:
            self.logger.warning("Websocket fan-out: NATS reconnected")

    async def _error(self, exc: Exception) -> None:
        if self.logger is not None:
            self.logger.debug(f"Websocket fan-out: NATS error {exc!r}")
