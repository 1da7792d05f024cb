"""Chat completions of ``AiInterface``: one-shot, streamed, with history and the tool-calling loop.

A provider that cannot be reached, times out (``TIMEOUT``) or keeps failing after
``MAX_RETRIES`` becomes :class:`AiProviderUnavailable` (503 with ``Retry-After``), logged as one
warning per failed call. The tool loop sends the model's argument errors back to it as tool
messages and gives up after ``MAX_TOOL_STEPS`` rounds (:class:`ToolStepsExceeded`, 502).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic_core import to_jsonable_python

from surge.ai_interface.exceptions import AiProviderUnavailable, ToolStepsExceeded
from surge.ai_interface.history import ChatHistory, trim_messages
from surge.ai_interface.streaming import ChatStream
from surge.ai_interface.tools import AiTool, ToolArgumentsError, call_tool, parse_tool_arguments

if TYPE_CHECKING:
    from surge.ai_interface.config import AiInterfaceConfig
    from surge.app import Surge

__all__ = ["ChatFeatures", "ChatReply"]

T = TypeVar("T")
_Message = dict[str, Any]


@dataclass(slots=True)
class ChatReply:
    """The outcome of :meth:`ChatFeatures.chat`.

    Attributes:
        content: the final assistant message's text.
        message: the final assistant message (a dict, as sent back in a later turn).
        added: the messages this turn produced: assistant tool calls, tool results, the answer.
        tool_steps: the rounds of tool calls that ran.
        completion: the provider's last ``ChatCompletion``.
    """

    content: str | None
    message: _Message
    added: list[_Message] = field(default_factory=list)
    tool_steps: int = 0
    completion: Any = None


def _retry_after(exc: BaseException, default: int) -> int:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    return int(value) if value is not None and value.strip().isdigit() else default


def _unavailable_reason(exc: BaseException) -> str | None:
    """Why ``exc`` means the provider is unavailable, or None when it is another error."""
    import httpx
    import openai

    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return "cannot connect" if isinstance(exc, openai.APIConnectionError) else "connection lost"
    if isinstance(exc, openai.APIStatusError) and (exc.status_code == 429 or exc.status_code >= 500):
        return f"HTTP {exc.status_code}"
    return None


def _tool_error(call_id: object, error: str) -> _Message:
    return {"role": "tool", "tool_call_id": call_id, "content": json.dumps({"error": error})}


class ChatFeatures:
    """The chat methods of :class:`~surge.ai_interface.AiInterface` (a mixin: it holds no state)."""

    _tools: dict[str, AiTool]

    if TYPE_CHECKING:

        @property
        def app(self) -> Surge: ...

        @property
        def config(self) -> AiInterfaceConfig: ...

        @property
        def client(self) -> Any: ...

        @property
        def tool_schemas(self) -> list[dict[str, Any]]: ...

    # -- the provider -----------------------------------------------------------------------------
    def _map_error(self, exc: BaseException) -> AiProviderUnavailable | None:
        """The 503 for ``exc`` (logged once), or None when ``exc`` is not an outage."""
        if isinstance(exc, AiProviderUnavailable):
            return None
        reason = _unavailable_reason(exc)
        if reason is None:
            return None
        retry_after = _retry_after(exc, self.config.UNAVAILABLE_RETRY_AFTER)
        self.app.logger.warning(
            f"AI provider {self.config.API_BASE_URL} unavailable ({reason}); answering 503"
        )
        return AiProviderUnavailable(retry_after, reason)

    async def _call(self, pending: Awaitable[T]) -> T:
        try:
            return await pending
        except Exception as exc:
            mapped = self._map_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    def _request(self, messages: Iterable[Mapping[str, Any]], use_tools: bool | None, options: dict[str, Any]) -> _Message:
        config = self.config
        request: _Message = {
            "messages": [dict(message) for message in messages],
            "model": config.MODEL,
            "temperature": config.TEMPERATURE,
            "response_format": config.RESPONSE_FORMAT,
        }
        if (config.TOOL_CHOICE if use_tools is None else use_tools) and self._tools:
            request["tools"] = self.tool_schemas
            request["tool_choice"] = "auto"
        request.update(options)
        return {key: value for key, value in request.items() if value is not None}

    async def chat_completion(
        self, messages: Iterable[Mapping[str, Any]], *, use_tools: bool | None = None, **options: object
    ) -> Any:
        """Ask the model for the next message of ``messages``; returns the ``ChatCompletion``.

        ``MODEL``, ``TEMPERATURE`` and ``RESPONSE_FORMAT`` come from the config; ``options``
        override them or add any other parameter of ``chat.completions.create`` (an option
        set to None is not sent). The tools are sent when ``use_tools`` (default:
        ``TOOL_CHOICE``) is true and the interface has any.

        Raises:
            AiProviderUnavailable: unreachable, timed out, 429 or 5xx after ``MAX_RETRIES`` (503).
            openai.OpenAIError: the provider refused the request (401, 400, ...).
        """
        request = self._request(messages, use_tools, dict(options))
        return await self._call(self.client.chat.completions.create(**request))

    # -- history ----------------------------------------------------------------------------------
    async def _prompt(
        self,
        messages: Iterable[Mapping[str, Any]],
        system: str | None,
        history: ChatHistory | None,
        conversation_id: str | None,
    ) -> tuple[list[_Message], list[_Message]]:
        """(the messages to send, the new messages of this turn)."""
        new = [dict(message) for message in messages]
        head: list[_Message] = [{"role": "system", "content": system}] if system is not None else []
        if history is None:
            return head + new, new
        if conversation_id is None:
            raise ValueError("a history needs a conversation_id")
        past = await history.load(conversation_id)
        prompt = trim_messages(head + past + new, self.config.HISTORY_MAX_TOKENS, keep_last=max(1, len(new)))
        return prompt, new

    # -- streaming --------------------------------------------------------------------------------
    def stream_chat(
        self,
        messages: Iterable[Mapping[str, Any]],
        *,
        system: str | None = None,
        history: ChatHistory | None = None,
        conversation_id: str | None = None,
        **options: object,
    ) -> ChatStream:
        """Stream the model's reply: ``async for token in ai.stream_chat(messages)``.

        Give the stream to ``req.response.sse(...)`` to send each token as an event; a browser
        that goes away closes the upstream request. ``await`` it first to get the 503 before the
        response starts. With ``history``, the turn is saved once the whole reply arrived.
        No tools are offered while streaming.
        """
        taken = list(messages)

        async def opener() -> Any:
            prompt, _ = await self._prompt(taken, system, history, conversation_id)
            request = self._request(prompt, False, {**options, "stream": True})
            return await self._call(self.client.chat.completions.create(**request))

        async def save(text: str) -> None:
            if history is not None and conversation_id is not None:
                await history.append(conversation_id, [*taken, {"role": "assistant", "content": text}])

        return ChatStream(opener, self._map_error, save if history is not None else None)

    # -- the tool loop ----------------------------------------------------------------------------
    async def tool_messages(self, tool_calls: Iterable[Any] | None) -> list[_Message]:
        """Run an assistant message's tool calls; failures become ``{"error": ...}`` tool messages.

        Unknown tools and arguments that do not fit the signature are explained to the model so
        it can correct itself; a tool that raises is logged (one warning) and reported as failed.
        """
        messages: list[_Message] = []
        for call in tool_calls or ():
            data = call if isinstance(call, Mapping) else call.model_dump()
            function = data.get("function") or {}
            name = function.get("name", "")
            found = self._tools.get(name)
            if found is None:
                known = ", ".join(self._tools) or "none"
                messages.append(_tool_error(data.get("id"), f"unknown tool {name!r}; the tools are: {known}"))
                continue
            try:
                kwargs = parse_tool_arguments(found, function.get("arguments"))
            except ToolArgumentsError as exc:
                messages.append(_tool_error(data.get("id"), str(exc)))
                continue
            try:
                result = await call_tool(self, found, kwargs)
            except Exception as exc:
                self.app.logger.opt(exception=exc).warning(f"AI tool {name!r} failed")
                messages.append(_tool_error(data.get("id"), f"the tool {name!r} failed ({type(exc).__name__})"))
                continue
            content = result if isinstance(result, str) else json.dumps(to_jsonable_python(result))
            messages.append({"role": "tool", "tool_call_id": data.get("id"), "content": content})
        return messages

    async def chat(
        self,
        messages: Iterable[Mapping[str, Any]],
        *,
        system: str | None = None,
        history: ChatHistory | None = None,
        conversation_id: str | None = None,
        use_tools: bool = True,
        max_tool_steps: int | None = None,
        **options: object,
    ) -> ChatReply:
        """Ask the model, running the tools it calls, until it answers; returns a :class:`ChatReply`.

        ``system`` is sent first and never stored; with ``history`` the conversation's earlier
        messages are sent (trimmed to ``HISTORY_MAX_TOKENS``) and this turn is appended once
        the model answered (nothing is stored when the turn fails).

        Raises:
            ToolStepsExceeded: the model still calls tools after ``MAX_TOOL_STEPS`` rounds (502).
            AiProviderUnavailable: the provider cannot be reached (503).
        """
        prompt, new = await self._prompt(messages, system, history, conversation_id)
        limit = self.config.MAX_TOOL_STEPS if max_tool_steps is None else max_tool_steps
        added: list[_Message] = []
        steps = 0
        while True:
            completion = await self.chat_completion(prompt, use_tools=use_tools, **options)
            message = completion.choices[0].message
            data: _Message = message.model_dump(exclude_none=True)
            if not message.tool_calls:
                added.append(data)
                break
            if steps >= limit:
                raise ToolStepsExceeded(steps, [*prompt, data])
            steps += 1
            results = await self.tool_messages(message.tool_calls)
            prompt += [data, *results]
            added += [data, *results]
        if history is not None and conversation_id is not None:
            await history.append(conversation_id, [*new, *added])
        return ChatReply(message.content, data, added, steps, completion)
