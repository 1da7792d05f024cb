"""``surge.testing.surge_test_client``: PyJolt's module path (``pyjolt_test_client``) for the test client."""

from surge.testing.client import TestClient

SurgeTestClient = TestClient
"""PyJolt's name of :class:`~surge.testing.TestClient` (``PyJoltTestClient``)."""

__all__ = ["SurgeTestClient"]
