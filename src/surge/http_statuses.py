"""``surge.http_statuses``: PyJolt's module path for :class:`HttpStatus`."""

from surge.http.status import HttpStatus

__all__ = ["HttpStatus"]
