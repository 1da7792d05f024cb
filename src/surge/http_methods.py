"""``surge.http_methods``: the HTTP methods a route decorator can be built for (PyJolt's enum)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["HttpMethod"]


class HttpMethod(StrEnum):
    """The methods of ``@get`` ... ``@delete``; ``SOCKET`` stands for ``@socket`` (websocket routes).

    A ``str``: ``endpoint_decorator_factory(HttpMethod.PATCH)`` and route tables accept it as is.
    """

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    SOCKET = "SOCKET"
