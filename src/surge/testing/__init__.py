"""Testing helpers: clients that run the app's lifespan and speak HTTP and WebSocket.

``TestClient`` for async tests (``async with TestClient(app) as client``), ``SyncTestClient``
for synchronous ones (``with SyncTestClient(app) as client``).
"""

from surge.testing.client import (
    ClientNotOpen,
    LifespanFailed,
    NotAwaited,
    TestClient,
    WebSocketDisconnect,
    WebSocketTestSession,
)
from surge.testing.sync_client import SyncTestClient, SyncWebSocketSession

SurgeTestClient = TestClient

__all__ = [
    "ClientNotOpen",
    "LifespanFailed",
    "NotAwaited",
    "SurgeTestClient",
    "SyncTestClient",
    "SyncWebSocketSession",
    "TestClient",
    "WebSocketDisconnect",
    "WebSocketTestSession",
]
