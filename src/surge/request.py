"""``surge.request``: the seed's module path for :class:`Request`."""

from surge.http.request import Request

__all__ = ["Request"]
