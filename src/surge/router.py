"""``surge.router``: PyJolt's module path for :class:`Router`."""

from surge.routing.router import Router

__all__ = ["Router"]
