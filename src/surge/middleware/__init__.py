"""Middleware: the user-facing base class and the CORS policy."""

from surge.middleware.base import MiddlewareBase
from surge.middleware.cors import CorsPolicy
from surge.middleware.factory import AppCallableType, MiddlewareFactory

__all__ = ["AppCallableType", "CorsPolicy", "MiddlewareBase", "MiddlewareFactory"]
