"""Surge: an async-first, batteries-included Python web framework."""

from surge._version import __version__ as __version__
from surge.app import Surge, app, on_shutdown, on_startup
from surge.config import BaseConfig, LogLevel
from surge.di import Depends, Inject
from surge.exceptions.abort import abort, html_abort
from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response
from surge.http.status import HttpStatus
from surge.http.uploads import UploadedFile

__all__ = [
    "BaseConfig",
    "Depends",
    "HttpStatus",
    "Inject",
    "LogLevel",
    "MediaType",
    "Request",
    "Response",
    "Surge",
    "UploadedFile",
    "abort",
    "app",
    "html_abort",
    "on_shutdown",
    "on_startup",
]
