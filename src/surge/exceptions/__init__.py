"""Exceptions, exception handlers and quick aborts."""

from surge.exceptions.abort import abort, html_abort
from surge.exceptions.base import SurgeError
from surge.exceptions.config import ImproperlyConfigured, MissingDependency
from surge.exceptions.handler import ExceptionHandler, handles
from surge.exceptions.http import (
    AborterException,
    BadRequest,
    BaseHttpException,
    Conflict,
    CustomException,
    Forbidden,
    HtmlAborterException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unauthorized,
    UnprocessableEntity,
    UnsupportedMediaType,
)

__all__ = [
    "AborterException",
    "BadRequest",
    "BaseHttpException",
    "Conflict",
    "CustomException",
    "ExceptionHandler",
    "Forbidden",
    "HtmlAborterException",
    "ImproperlyConfigured",
    "InternalServerError",
    "MethodNotAllowed",
    "MissingDependency",
    "NotFound",
    "PayloadTooLarge",
    "SurgeError",
    "TooManyRequests",
    "Unauthorized",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "abort",
    "handles",
    "html_abort",
]
