"""``surge.exceptions.exception_handler``: PyJolt's module path for :class:`ExceptionHandler` and ``@handles``."""

from surge.exceptions.handler import ExceptionHandler, handles

__all__ = ["ExceptionHandler", "handles"]
