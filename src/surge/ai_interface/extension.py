"""``AiInterface``: chat completions with an OpenAI-compatible API, tools, and chat contexts."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic_core import to_jsonable_python

from surge.ai_interface._context import ChatContextStep
from surge.ai_interface.chat import ChatFeatures
from surge.ai_interface.config import AiInterfaceConfig
from surge.ai_interface.exceptions import FailedToRunAiToolMethod
from surge.ai_interface.search import EmbeddingFeatures
from surge.ai_interface.tools import AiTool, call_tool, collect_tools, parse_tool_arguments
from surge.controller.decorators import Descriptor
from surge.controller.spec import add_endpoint_wrapper, endpoint_spec
from surge.exceptions.config import MissingDependency
from surge.extension import BaseExtension, require_installed

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.http.request import Request

__all__ = ["AiInterface"]

F = TypeVar("F", bound=Callable[..., Any])


class AiInterface(ChatFeatures, EmbeddingFeatures, BaseExtension[AiInterfaceConfig]):
    """Base class of the app's AI interface (config section ``AI_INTERFACE``).

    Subclass it, implement ``chat_context_loader(self, req)`` (return the chat context, e.g.
    a database model, or None) and mark methods the model may call with ``@tool``. Then:

    * ``@ai_interface.with_chat_context`` on an endpoint injects the loaded context as
      ``CHAT_CONTEXT_NAME`` (``chat_context``), or answers 404 with :class:`ChatContextNotFound`;
    * ``await ai_interface.chat_completion(messages)`` asks the configured model
      (``self.client`` is the ``openai.AsyncOpenAI`` client);
    * ``await ai_interface.run_tool_calls(message.tool_calls)`` runs the tools the model asked
      for; a failure raises :class:`FailedToRunAiToolMethod`;
    * ``await ai_interface.chat(messages, history=..., conversation_id=...)`` runs the whole
      tool loop with a kept conversation, ``ai_interface.stream_chat(messages)`` streams tokens
      (see :mod:`surge.ai_interface.chat`).
    """

    config_model = AiInterfaceConfig
    config_required = True

    def __init__(self, configs_name: str | None = None) -> None:
        super().__init__(configs_name or "AI_INTERFACE")
        self._config: AiInterfaceConfig | None = None
        self._client: Any = None
        self._tools = collect_tools(type(self))

    # -- setup ------------------------------------------------------------------------------------
    def validate_config(self, app: Surge) -> AiInterfaceConfig:
        """``AI_INTERFACE``, validated (``API_KEY`` is required); openai must be installed.

        Raises:
            ImproperlyConfigured: the section is missing or a key is invalid; the message names
                ``AI_INTERFACE.KEY``.
            MissingDependency: openai (or, with ``EMBEDDING_PROVIDER = "local"``, sentence-transformers) is missing.
        """
        require_installed("openai", "ai_interface")  # imported on first use (its types weigh ~40 MiB)
        config = super().validate_config(app)
        if config.EMBEDDING_PROVIDER == "local" and importlib.util.find_spec("sentence_transformers") is None:
            # PERF: looked up, not imported: importing torch takes seconds; the model loads on first use
            raise MissingDependency("sentence-transformers", "embeddings")
        return config

    def configure(self, app: Surge, config: AiInterfaceConfig) -> None:
        """Keep the section; the client is made on first use."""
        self._config = config
        self._client = None

    async def shutdown(self) -> None:
        """Close the HTTP client (a new one is made if the app starts again)."""
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    @property
    def config(self) -> AiInterfaceConfig:
        """The validated ``AI_INTERFACE`` section.

        Raises:
            RuntimeError: the extension is not initialized (not listed in EXTENSIONS).
        """
        self.app  # noqa: B018 - the one "bound to an app" check
        assert self._config is not None  # configure() sets it right after binding
        return self._config

    @property
    def configs(self) -> dict[str, Any]:
        """The section with its defaults filled in, as a dict."""
        return self.config.model_dump()

    @property
    def chat_context_name(self) -> str:
        """The handler argument the chat context is injected as (``CHAT_CONTEXT_NAME``)."""
        return self.config.CHAT_CONTEXT_NAME

    @property
    def client(self) -> Any:
        """The ``openai.AsyncOpenAI`` client built from the config (created on first use)."""
        if self._client is None:
            from openai import AsyncOpenAI

            config = self.config
            self._client = AsyncOpenAI(
                api_key=config.API_KEY,
                base_url=config.API_BASE_URL,
                organization=config.ORGANIZATION_ID,
                project=config.PROJECT_ID,
                timeout=config.TIMEOUT,
                max_retries=config.MAX_RETRIES,
            )
        return self._client

    # -- chat contexts ----------------------------------------------------------------------------
    async def chat_context_loader(self, req: Request) -> Any:
        """Return the chat context of ``req`` (e.g. a ChatSession row), or None when there is none.

        Subclasses implement it; decorators that inject arguments (``@db.managed_session``)
        work on it as on an endpoint.

        Raises:
            NotImplementedError: always; ``with_chat_context`` refuses to start without an override.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement chat_context_loader")

    def with_chat_context(self, func: F) -> F:
        """Load the chat context before the endpoint and inject it as ``CHAT_CONTEXT_NAME``.

        A None from the loader raises :class:`ChatContextNotFound` (404). Returns ``func``
        unchanged (metadata only), so it composes with the other decorators in any order.
        """
        placeholder = AiInterface.__dict__["chat_context_loader"]
        add_endpoint_wrapper(func, ChatContextStep(self, func, placeholder))
        spec = endpoint_spec(func)
        if all(descriptor.status != 404 for descriptor in spec.descriptors):
            spec.descriptors.append(Descriptor(status=404, description="Chat context not found"))
        return func

    # -- tools ------------------------------------------------------------------------------------
    @property
    def tools(self) -> dict[str, AiTool]:
        """The ``@tool`` methods' metadata, by tool name."""
        return dict(self._tools)

    @property
    def tool_schemas(self) -> list[dict[str, Any]]:
        """The tools as OpenAI tool definitions (what ``chat_completion`` sends as ``tools``)."""
        return [found.schema for found in self._tools.values()]

    async def run_tool(self, name: str, arguments: str | Mapping[str, Any] | None = None) -> Any:
        """Run the tool ``name`` with ``arguments`` (the model's JSON text, or a dict).

        Arguments are validated against the method's signature and converted to its types;
        sync tools run in a worker thread.

        Raises:
            FailedToRunAiToolMethod: the tool is unknown, the arguments do not fit, or the tool
                raised (the original exception is ``__cause__``).
        """
        found = self._tools.get(name)
        if found is None:
            raise FailedToRunAiToolMethod(f"Unknown AI tool {name!r}", name, arguments)
        try:
            return await call_tool(self, found, parse_tool_arguments(found, arguments))
        except Exception as exc:
            raise FailedToRunAiToolMethod(f"Failed to run AI tool {name!r}", name, arguments) from exc

    async def run_tool_calls(self, tool_calls: Iterable[Any] | None) -> list[dict[str, Any]]:
        """Run the tool calls of an assistant message; returns the ``role: tool`` messages to send back.

        Each call may be the openai object or its dict form. Results are sent as JSON (strings
        as they are).

        Raises:
            FailedToRunAiToolMethod: a call failed (see :meth:`run_tool`).
        """
        messages: list[dict[str, Any]] = []
        for call in tool_calls or ():
            data = call if isinstance(call, Mapping) else call.model_dump()
            function = data.get("function") or {}
            result = await self.run_tool(function.get("name", ""), function.get("arguments"))
            content = result if isinstance(result, str) else json.dumps(to_jsonable_python(result))
            messages.append({"role": "tool", "tool_call_id": data.get("id"), "content": content})
        return messages

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ({self.configs_name}), {len(self._tools)} tools>"
