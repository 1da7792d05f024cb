"""Controllers and their decorators."""

from surge.controller.controller import Controller
from surge.controller.decorators import (
    Descriptor,
    after_request,
    before_request,
    consumes,
    cors,
    delete,
    development,
    get,
    no_cors,
    open_api_docs,
    patch,
    path,
    post,
    produces,
    put,
    socket,
)

__all__ = [
    "Controller",
    "Descriptor",
    "after_request",
    "before_request",
    "consumes",
    "cors",
    "delete",
    "development",
    "get",
    "no_cors",
    "open_api_docs",
    "patch",
    "path",
    "post",
    "produces",
    "put",
    "socket",
]
