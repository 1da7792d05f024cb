"""The AI interface's exceptions; all are HTTP exceptions an ExceptionHandler can handle."""

from __future__ import annotations

from surge.exceptions.http import BaseHttpException
from surge.http.status import HttpStatus

__all__ = ["AiProviderUnavailable", "ChatContextNotFound", "FailedToRunAiToolMethod", "ToolStepsExceeded"]


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


class AiProviderUnavailable(BaseHttpException):
    """The provider could not be reached, timed out, or answered 429/5xx after the retries (503).

    Answered with ``Retry-After`` (the provider's, else ``UNAVAILABLE_RETRY_AFTER``); the
    original openai error is ``__cause__``.
    """

    status_code = HttpStatus.SERVICE_UNAVAILABLE
    default_message = "The AI provider is unavailable, retry later"

    def __init__(self, retry_after: int, reason: str) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
        self.reason = reason


class ToolStepsExceeded(BaseHttpException):
    """The model still asked for tools after ``MAX_TOOL_STEPS`` rounds (502: the upstream misbehaved).

    Attributes:
        steps: the rounds of tool calls that ran.
        messages: the conversation so far (for logging; never sent to clients).
    """

    status_code = HttpStatus.BAD_GATEWAY
    default_message = "The assistant did not finish within the allowed tool steps"

    def __init__(self, steps: int, messages: list[dict[str, object]]) -> None:
        super().__init__(data={"tool_steps": steps})
        self.steps = steps
        self.messages = messages
