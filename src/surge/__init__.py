"""Surge: an async-first, batteries-included Python web framework."""

from surge._version import __version__ as __version__
from surge.app import Surge, app, on_shutdown, on_startup
from surge.background import BackgroundTasks
from surge.config import BaseConfig, LogLevel
from surge.di import Depends, Inject
from surge.exceptions.abort import abort, html_abort
from surge.extension import BaseExtension
from surge.http.media_types import MediaType
from surge.http.request import Request
from surge.http.response import Response
from surge.http.status import HttpStatus
from surge.http.uploads import UploadedFile
from surge.http_methods import HttpMethod
from surge.middleware.base import MiddlewareBase
from surge.params import Body, Cookie, File, Form, Header, Path, Query
from surge.surge import app_path
from surge.utilities import run_in_background, run_sync_or_async

__all__ = [
    "BackgroundTasks",
    "BaseConfig",
    "BaseExtension",
    "Body",
    "Cookie",
    "Depends",
    "File",
    "Form",
    "Header",
    "HttpMethod",
    "HttpStatus",
    "Inject",
    "LogLevel",
    "MediaType",
    "MiddlewareBase",
    "Path",
    "Query",
    "Request",
    "Response",
    "Surge",
    "UploadedFile",
    "abort",
    "app",
    "app_path",
    "html_abort",
    "on_shutdown",
    "on_startup",
    "run_in_background",
    "run_sync_or_async",
]
