"""AI interface: chat completions with any OpenAI-compatible API, ``@tool`` methods, chat contexts.

Needs the ``ai_interface`` extra (the ``openai`` package).
"""

from surge.ai_interface.ai_interface import AiConfig
from surge.ai_interface.config import AiInterfaceConfig
from surge.ai_interface.exceptions import ChatContextNotFound, FailedToRunAiToolMethod
from surge.ai_interface.extension import AiInterface
from surge.ai_interface.tools import AiTool, tool

__all__ = [
    "AiConfig",
    "AiInterface",
    "AiInterfaceConfig",
    "AiTool",
    "ChatContextNotFound",
    "FailedToRunAiToolMethod",
    "tool",
]
