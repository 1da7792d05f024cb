"""The ``AI_INTERFACE`` config section, validated once at startup."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AiInterfaceConfig"]


class AiInterfaceConfig(BaseModel):
    """Keys of ``AI_INTERFACE = {...}`` (defaults as in the seed); unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    API_KEY: str = Field(min_length=1, description="API key of the provider (required)")
    API_BASE_URL: str = Field(
        "https://api.openai.com/v1", description="Base URL of the OpenAI-compatible API (Groq, Ollama, vLLM, ...)"
    )
    ORGANIZATION_ID: str | None = Field(None, description="OpenAI organization, sent as OpenAI-Organization")
    PROJECT_ID: str | None = Field(None, description="OpenAI project, sent as OpenAI-Project")
    TIMEOUT: float = Field(30, gt=0, description="Seconds to wait for the provider per request")
    MODEL: str = Field("gpt-3.5-turbo", min_length=1, description="Model of chat completions")
    TEMPERATURE: float = Field(1.0, ge=0, le=2, description="Sampling temperature (randomness)")
    RESPONSE_FORMAT: dict[str, Any] | None = Field(
        default_factory=lambda: {"type": "json_object"},
        description="response_format of chat completions; None sends none (plain text)",
    )
    TOOL_CHOICE: bool = Field(False, description="Offer the @tool methods to the model in chat completions")
    MAX_RETRIES: int = Field(0, ge=0, description="Retries of a failed request (connection errors, 408/429/5xx)")
    CHAT_CONTEXT_NAME: str = Field(
        "chat_context",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Handler argument @with_chat_context injects the chat context as",
    )
