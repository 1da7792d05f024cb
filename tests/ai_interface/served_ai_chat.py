"""The app the streaming-chat test serves with granian (``served_ai_chat:create_app``).

``SURGE_TEST_AI_BASE_URL`` is the fake provider's base URL (tests/openai_fake_server.py).
"""

from __future__ import annotations

import os

from surge import BaseConfig, Request, Response, Surge
from surge.ai_interface import AiInterface
from surge.controller import Controller, get, path


class StreamInterface(AiInterface):
    """No tools: streaming only."""


ai = StreamInterface()


@path("/")
class StreamApi(Controller):
    @get("/stream")
    async def stream(self, req: Request) -> Response:
        """The reply, one SSE event per token; 503 before the response starts if the provider is down."""
        question = req.query_params.get("q", "")
        tokens = await ai.stream_chat([{"role": "user", "content": question}], response_format=None)
        return req.response.sse(tokens, ping=1.0)

    @get("/lazy")
    async def lazy(self, req: Request) -> Response:
        """The same, opening the upstream request only when the first event is due."""
        return req.response.sse(ai.stream_chat([{"role": "user", "content": "lazy"}]), ping=1.0)


def create_app(base_url: str | None = None) -> Surge:
    """The served app (also used in-process by the test client)."""
    section = {"API_KEY": "sk-test", "API_BASE_URL": base_url or os.environ.get("SURGE_TEST_AI_BASE_URL", "")}
    app = Surge(configs=BaseConfig(DEBUG=False, ACCESS_LOG=False, AI_INTERFACE=section))  # type: ignore[call-arg]
    app.add_extension(ai)
    app.register_controller(StreamApi)
    return app
