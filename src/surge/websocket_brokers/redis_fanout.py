"""Websocket pushes between processes through Redis pub/sub.

Every process subscribes to one channel and publishes every envelope there; each process
acts on the envelopes that concern its own sockets (a ``send`` to a client another process
holds is dropped there). Pub/sub delivers at most once: a push published while a process is
cut from Redis does not reach that process's sockets. While Redis is unreachable, a push
raises :class:`~surge.websocket_fanout.FanoutUnavailable` (503) and the subscriber retries
with a growing delay (up to ``reconnect_delay``), logging once when the outage starts and
once when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any

from surge.exceptions.config import MissingDependency
from surge.websocket_fanout import Deliver, Envelope, FanoutBackend, FanoutUnavailable

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["RedisFanout"]

_FIRST_RETRY = 0.05  # seconds: a broker that blinks is back before anyone notices


def _import(module: str, extra: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(module.split(".", 1)[0], extra) from None


class RedisFanout(FanoutBackend):
    """Carries envelopes through the Redis channel ``channel`` (redis-py asyncio)."""

    def __init__(
        self, url: str, channel: str = "surge:websockets", *, logger: Logger | None = None, reconnect_delay: float = 2.0
    ) -> None:
        self._redis = _import("redis.asyncio", "redis")
        errors = _import("redis.exceptions", "redis")
        self._errors: tuple[type[BaseException], ...] = (errors.ConnectionError, errors.TimeoutError, OSError)
        self.url = url
        self.channel = channel
        self.logger = logger
        self.reconnect_delay = reconnect_delay
        self._publisher: Any = None
        self._subscriber: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._deliver: Deliver | None = None
        self._down_since: float | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self, deliver: Deliver) -> None:
        """Subscribe (or keep trying in the background when Redis is down at startup)."""
        self._deliver = deliver
        # A burst of pushes past the pool's size waits for a connection instead of failing.
        pool = self._redis.BlockingConnectionPool.from_url(
            self.url, max_connections=100, timeout=5, socket_connect_timeout=2, socket_timeout=5
        )
        self._publisher = self._redis.Redis.from_pool(pool)
        self._subscriber = self._redis.from_url(self.url, socket_connect_timeout=2)
        pubsub: Any = None
        try:
            pubsub = await self._subscribe()
        except self._errors as exc:
            self._went_down(exc)
        self._listener = asyncio.create_task(self._listen(pubsub), name="surge-websocket-fanout")

    async def stop(self) -> None:
        """Stop listening and close both connections."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        for client in (self._publisher, self._subscriber):
            if client is not None:
                with contextlib.suppress(*self._errors):
                    await client.aclose()
        self._publisher = self._subscriber = self._deliver = None

    async def publish(self, envelope: Envelope) -> None:
        """Publish to every subscribed process (this one included).

        Raises:
            FanoutUnavailable: Redis cannot be reached (503); nothing was delivered.
            RuntimeError: the backend is not started.
        """
        if self._publisher is None:
            raise RuntimeError("The websocket registry is not started (the app has not started)")
        try:
            await self._publisher.publish(self.channel, envelope.encode())
        except self._errors as exc:
            self._went_down(exc)
            raise FanoutUnavailable() from exc

    # -- the subscriber -------------------------------------------------------------------------
    async def _subscribe(self) -> Any:
        pubsub = self._subscriber.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.channel)
        except BaseException:
            with contextlib.suppress(*self._errors):
                await pubsub.aclose()
            raise
        return pubsub

    async def _listen(self, pubsub: Any) -> None:
        """Hand every message to ``deliver``; on a lost connection, resubscribe with backoff."""
        delay = _FIRST_RETRY
        while True:
            if pubsub is None:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.reconnect_delay)
                try:
                    pubsub = await self._subscribe()
                except self._errors as exc:
                    self._went_down(exc)
                    continue
                self._back_up()
                delay = _FIRST_RETRY
            try:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            except self._errors as exc:
                self._went_down(exc)
                with contextlib.suppress(*self._errors):
                    await pubsub.aclose()
                pubsub = None
                continue
            if message is not None and message.get("type") == "message":
                await self._hand_over(message["data"])

    async def _hand_over(self, raw: bytes) -> None:
        try:
            envelope = Envelope.decode(raw)
        except ValueError as exc:  # someone else publishes on our channel: not ours to act on
            if self.logger is not None:
                self.logger.warning(f"Websocket fan-out: ignored a message on {self.channel!r}: {exc}")
            return
        deliver = self._deliver
        if deliver is None:
            return
        try:
            await deliver(envelope)
        except Exception as exc:  # one bad delivery must not stop the subscriber
            if self.logger is not None:
                self.logger.opt(exception=exc).error("Websocket fan-out: delivering a push failed")

    # -- outage reporting: once when it starts, once when it ends -------------------------------
    def _went_down(self, error: BaseException) -> None:
        if self._down_since is None:
            self._down_since = time.monotonic()
            if self.logger is not None:
                self.logger.error(f"Websocket fan-out: Redis unreachable, pushes answer 503 until it is back ({error!r})")

    def _back_up(self) -> None:
        if self._down_since is not None:
            seconds = time.monotonic() - self._down_since
            self._down_since = None
            if self.logger is not None:
                self.logger.warning(f"Websocket fan-out: Redis reachable again after {seconds:.1f}s")
