"""Chat history: where a conversation's messages are kept between requests, and the token budget.

A provider stores the messages of each conversation (by id) in order; ``AiInterface.chat`` and
``stream_chat`` load them, send what fits ``HISTORY_MAX_TOKENS`` (oldest messages dropped first)
and append the new turn once the model has answered. :class:`MemoryChatHistory` lives in the
process (tests, one worker); :class:`~surge.ai_interface.sql_history.SqlChatHistory` keeps them
in a table of a ``SqlDatabase``, shared by every worker.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = ["ChatHistory", "MemoryChatHistory", "estimate_tokens", "trim_messages"]

_Message = dict[str, Any]

_PER_MESSAGE = 4  # the role and the separators each message costs in the chat format


def _text_of(message: Mapping[str, Any]) -> str:
    content = message.get("content")
    parts: list[str] = []
    if isinstance(content, str):
        parts.append(content)
    elif isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
        parts.extend(str(part.get("text", "")) for part in content if isinstance(part, Mapping))
    for call in message.get("tool_calls") or ():
        function = call.get("function", {}) if isinstance(call, Mapping) else {}
        parts.append(f"{function.get('name', '')} {function.get('arguments', '')}")
    return " ".join(parts)


def estimate_tokens(message: Mapping[str, Any]) -> int:
    """A cheap estimate of a message's tokens: about four characters per token, plus its framing.

    Good enough to keep a prompt under a budget without a tokenizer dependency; pass your own
    counter (e.g. tiktoken's) to :func:`trim_messages` for exact counts.
    """
    return math.ceil(len(_text_of(message)) / 4) + _PER_MESSAGE


def trim_messages(
    messages: Sequence[Mapping[str, Any]],
    max_tokens: int,
    *,
    keep_last: int = 1,
    estimate: Callable[[Mapping[str, Any]], int] = estimate_tokens,
) -> list[_Message]:
    """The newest messages that fit ``max_tokens``, after the leading system messages (always kept).

    The last ``keep_last`` messages are kept even past the budget (the question being asked).
    Tool results whose assistant message is gone are dropped too: a provider refuses them.
    """
    lead = 0
    while lead < len(messages) and messages[lead].get("role") == "system":
        lead += 1
    budget = max_tokens - sum(estimate(message) for message in messages[:lead])
    rest = messages[lead:]
    kept: list[_Message] = []
    for index, message in enumerate(reversed(rest)):
        cost = estimate(message)
        if index >= keep_last and cost > budget:
            break
        budget -= cost
        kept.append(dict(message))
    kept.reverse()
    while len(kept) > keep_last and kept[0].get("role") == "tool":
        kept.pop(0)
    return [dict(message) for message in messages[:lead]] + kept


class ChatHistory(ABC):
    """Where conversations are kept: implement ``load``, ``append`` and ``clear`` (all async)."""

    @abstractmethod
    async def load(self, conversation_id: str) -> list[_Message]:
        """The messages of a conversation, oldest first (empty for a new one)."""

    @abstractmethod
    async def append(self, conversation_id: str, messages: Iterable[Mapping[str, Any]]) -> None:
        """Add messages at the end of a conversation."""

    @abstractmethod
    async def clear(self, conversation_id: str) -> None:
        """Forget a conversation."""


class MemoryChatHistory(ChatHistory):
    """Conversations in this process's memory, each capped at ``max_messages`` (oldest dropped).

    Lost on restart and not shared between workers: for tests and single-process apps.
    """

    def __init__(self, max_messages: int = 200) -> None:
        if max_messages < 1:
            raise ValueError("max_messages must be at least 1")
        self.max_messages = max_messages
        self._conversations: dict[str, list[_Message]] = {}

    async def load(self, conversation_id: str) -> list[_Message]:
        """A copy of the conversation's messages."""
        return [dict(message) for message in self._conversations.get(conversation_id, ())]

    async def append(self, conversation_id: str, messages: Iterable[Mapping[str, Any]]) -> None:
        """Add messages, dropping the oldest past ``max_messages``."""
        stored = self._conversations.setdefault(conversation_id, [])
        stored.extend(dict(message) for message in messages)
        del stored[: max(0, len(stored) - self.max_messages)]

    async def clear(self, conversation_id: str) -> None:
        """Forget the conversation."""
        self._conversations.pop(conversation_id, None)
