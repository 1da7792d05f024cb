"""Brokers that carry websocket pushes between processes (``WEBSOCKETS = {"BROKER": ...}``).

With ``memory`` (the default) a push reaches the sockets of its own process only; with a
``redis://`` or ``nats://`` URL every process of the app subscribes to one channel, so a
broadcast from any worker reaches every socket and ``send(client_id)`` reaches the worker
that holds the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surge import websocket_fanout as _fanout
from surge.websocket_brokers.config import BROKER_SCHEMES, WebsocketsConfig, load_websockets_config
from surge.websocket_brokers.nats_fanout import NatsFanout
from surge.websocket_brokers.redis_fanout import RedisFanout

if TYPE_CHECKING:
    from loguru import Logger

__all__ = [
    "BROKER_SCHEMES",
    "NatsFanout",
    "RedisFanout",
    "WebsocketsConfig",
    "fanout_from_config",
    "load_websockets_config",
]


def fanout_from_config(raw: object, logger: Logger | None = None) -> _fanout.FanoutBackend:
    """The backend the ``WEBSOCKETS`` section asks for (nothing connects before ``start``).

    Raises:
        ImproperlyConfigured: a key is invalid (names ``WEBSOCKETS.KEY``), or the broker's
            client package is not installed (names the extra).
    """
    config = load_websockets_config(raw)
    broker = config.BROKER
    if broker == "memory":
        return _fanout.InProcessFanout()
    if broker.startswith(("nats://", "tls://")):
        return NatsFanout(broker, config.CHANNEL, logger=logger, reconnect_delay=config.RECONNECT_DELAY)
    return RedisFanout(broker, config.CHANNEL, logger=logger, reconnect_delay=config.RECONNECT_DELAY)
