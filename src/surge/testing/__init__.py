"""Testing helpers: an async client that runs the app's lifespan and speaks HTTP and WebSocket."""

from surge.testing.client import TestClient, WebSocketTestSession

SurgeTestClient = TestClient

__all__ = ["SurgeTestClient", "TestClient", "WebSocketTestSession"]
