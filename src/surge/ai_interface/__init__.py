"""AI interface: chat completions with any OpenAI-compatible API, ``@tool`` methods, chat contexts.

Needs the ``ai_interface`` extra (the ``openai`` package).
"""

from surge.ai_interface.ai_interface import AiConfig
from surge.ai_interface.chat import ChatReply
from surge.ai_interface.config import AiInterfaceConfig
from surge.ai_interface.exceptions import (
    AiProviderUnavailable,
    ChatContextNotFound,
    FailedToRunAiToolMethod,
    ToolStepsExceeded,
)
from surge.ai_interface.extension import AiInterface
from surge.ai_interface.history import ChatHistory, MemoryChatHistory
from surge.ai_interface.sql_history import SqlChatHistory
from surge.ai_interface.streaming import ChatStream
from surge.ai_interface.tools import AiTool, tool

__all__ = [
    "AiConfig",
    "AiInterface",
    "AiInterfaceConfig",
    "AiProviderUnavailable",
    "AiTool",
    "ChatContextNotFound",
    "ChatHistory",
    "ChatReply",
    "ChatStream",
    "FailedToRunAiToolMethod",
    "MemoryChatHistory",
    "SqlChatHistory",
    "ToolStepsExceeded",
    "tool",
]
