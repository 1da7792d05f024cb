"""``surge.ai_interface.ai_interface``: PyJolt's module path for :class:`AiInterface` and friends."""

from surge.ai_interface.config import AiInterfaceConfig
from surge.ai_interface.exceptions import ChatContextNotFound, FailedToRunAiToolMethod
from surge.ai_interface.extension import AiInterface
from surge.ai_interface.tools import tool

AiConfig = AiInterfaceConfig
"""PyJolt's name of the ``AI_INTERFACE`` section's model (:class:`AiInterfaceConfig`)."""

__all__ = ["AiConfig", "AiInterface", "ChatContextNotFound", "FailedToRunAiToolMethod", "tool"]
