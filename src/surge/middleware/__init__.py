"""Middleware: the user-facing base class and the CORS policy."""

from surge.middleware.base import MiddlewareBase
from surge.middleware.cors import CorsPolicy

__all__ = ["CorsPolicy", "MiddlewareBase"]
