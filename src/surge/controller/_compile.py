"""Transitional: ``surge.controller.compiler`` is the public home of :func:`compile_route`.

Delete once ``surge/app.py`` imports it from there.
"""

from surge.controller.compiler import compile_route, endpoint_cors_policy

__all__ = ["compile_route", "endpoint_cors_policy"]
