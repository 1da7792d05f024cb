"""The AI interface's two exceptions; both are HTTP exceptions an ExceptionHandler can handle."""

from __future__ import annotations

from surge.exceptions.http import BaseHttpException
from surge.http.status import HttpStatus

__all__ = ["ChatContextNotFound", "FailedToRunAiToolMethod"]


class ChatContextNotFound(BaseHttpException):
    """``chat_context_loader`` returned None for an endpoint decorated with ``with_chat_context`` (404)."""

    status_code = HttpStatus.NOT_FOUND
    default_message = "Chat context not found"


class FailedToRunAiToolMethod(BaseHttpException):
    """A tool call could not run: unknown tool, arguments that do not fit its signature, or the
    tool raised (422). The original exception is ``__cause__``.

    Attributes:
        tool_name: the tool the model asked for.
        arguments: the arguments it sent (JSON text or a dict), for logging; never sent to clients.
    """

    status_code = HttpStatus.UNPROCESSABLE_ENTITY
    default_message = "Failed to run an AI tool"

    def __init__(self, message: str, tool_name: str, arguments: object = None) -> None:
        super().__init__(message, data={"tool": tool_name})
        self.tool_name = tool_name
        self.arguments = arguments
