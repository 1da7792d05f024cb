"""The seed README's AI interface: chat context loader, tools, the OpenAI client, TOOL_CHOICE and
CHAT_CONTEXT_NAME.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: SQLite files in ``tmp_path`` and a local OpenAI-compatible HTTP server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from surge.testing import TestClient

from seed_project import SQL_EXTENSIONS, SeedProject

CHAT_SESSION_MODEL = """
    from sqlalchemy import String
    from sqlalchemy.orm import mapped_column, Mapped

    from surge.database import create_declerative_base

    Base = create_declerative_base("db")

    class ChatSession(Base):
        __tablename__: str = "chat_sessions"

        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(50))
"""


AI_INTERFACE = """
    from typing import Any, Optional

    from app.api.models.chat_session import ChatSession
    from app.extensions import db

    from surge.database import AsyncSession
    from surge.ai_interface import AiInterface, tool
    from surge.request import Request


    class WeatherTools:
        @tool(name = "get_weather", description = "Current weather in a city")
        async def weather(self, city: str, unit: str = "C") -> Any:
            return {"city": city, "temperature": 21, "unit": unit}


    class Interface(WeatherTools, AiInterface):

        @db.managed_session
        async def chat_context_loader(self, req: Request,
                                      session: AsyncSession) -> Optional[ChatSession]:
            chat_session_id: Optional[int] = req.route_parameters.get("chat_session_id",
                                                                      None)
            if chat_session_id is None:
                return None
            return await ChatSession.query(session).filter_by(id = chat_session_id).first()

        #chat_context_loader implementation

        @tool(name = "method_name", description = "method_description")
        async def some_tool(self, arg1: str, arg2: str) -> Any:
            \"\"\"some tool logic\"\"\"
            return f"{arg1}+{arg2}"

        @tool()
        async def shout(self, text: str) -> str:
            \"\"\"Upper-cases a text.\"\"\"
            return text.upper()

        @tool()
        async def broken(self) -> None:
            raise RuntimeError("tool failure")

    ai_interface: Interface = Interface()
"""


CHAT_API = """
    from surge import Request, Response
    from surge.ai_interface import ChatContextNotFound, FailedToRunAiToolMethod
    from surge.controller import Controller, path, get, post
    from surge.exceptions import ExceptionHandler, handles

    from app.ai_interface import ai_interface
    from app.api.models.chat_session import ChatSession


    @path("/api/v1/chats")
    class ChatApi(Controller):
        @post("/<int:chat_session_id>")
        @ai_interface.with_chat_context
        async def chat(self, req: Request, chat_session_id: int, chat_context: ChatSession) -> Response:
            \"\"\"Answers in the loaded chat\"\"\"
            body = await req.json()
            messages = [{"role": "system", "content": f"Chat {chat_context.title}"},
                        {"role": "user", "content": body["message"]}]
            completion = await ai_interface.chat_completion(messages)
            message = completion.choices[0].message
            if message.tool_calls:
                messages.append(message.model_dump(exclude_none=True))
                messages.extend(await ai_interface.run_tool_calls(message.tool_calls))
                completion = await ai_interface.chat_completion(messages)
            return req.response.json({"chat": chat_context.title, "answer": completion.choices[0].message.content})


    class CustomExceptionHandler(ExceptionHandler):
        @handles(ChatContextNotFound)
        async def no_chat(self, req: Request, exc: ChatContextNotFound) -> Response:
            return req.response.json({"error": "no such chat"}).status(404)

        @handles(FailedToRunAiToolMethod)
        async def tool_failed(self, req: Request, exc: FailedToRunAiToolMethod) -> Response:
            return req.response.json({"error": f"tool {exc.tool_name} failed"}).status(502)
"""


def ai_project(project: SeedProject, tmp_path: Path, base_url: str, **section: Any) -> None:
    project.write("extensions.py", SQL_EXTENSIONS)
    project.write("api/models/chat_session.py", CHAT_SESSION_MODEL)
    project.write("ai_interface.py", AI_INTERFACE)
    project.write("api/chats/chat_api.py", CHAT_API)
    keys = {
        "API_KEY": "sk-seed",
        "API_BASE_URL": base_url,
        "ORGANIZATION_ID": None,
        "PROJECT_ID": None,
        "TIMEOUT": 30,
        "MODEL": "gpt-3.5-turbo",
        "TEMPERATURE": 1.0,
        "RESPONSE_FORMAT": {"type": "json_object"},
        "TOOL_CHOICE": False,
        "MAX_RETRIES": 0,
        "CHAT_CONTEXT_NAME": "chat_context",
        **section,
    }
    project.config(
        f"""
        SQL_DATABASE: dict[str, Any] = {{"DATABASE_URI": "sqlite+aiosqlite:///{tmp_path / 'chats.db'}", "CREATE_ALL": True}}
        AI_INTERFACE: dict[str, Any] = {keys!r}
        EXTENSIONS: list[str] = [
            'app.extensions:db',
            'app.extensions:migrate',
            'app.ai_interface:ai_interface'
        ]
        MODELS: list[str] = ['app.api.models.chat_session:ChatSession']
        CONTROLLERS: list[str] = ['app.api.chats.chat_api:ChatApi']
        EXCEPTION_HANDLERS: list[str] = ['app.api.chats.chat_api:CustomExceptionHandler']
        DEBUG: bool = False
        """
    )


def test_ai_interface_names_of_the_seed():
    from surge.ai_interface import AiInterface, ChatContextNotFound, FailedToRunAiToolMethod, tool

    assert issubclass(AiInterface, object) and callable(tool)
    assert issubclass(ChatContextNotFound, Exception) and issubclass(FailedToRunAiToolMethod, Exception)


async def test_ai_interface_chat_context_loader_tools_and_client(project, tmp_path):
    from openai_fake_server import FakeOpenAI, tool_call

    async with FakeOpenAI() as server:
        ai_project(project, tmp_path, server.base_url)
        app = project.application()
        interface = project.module("ai_interface").ai_interface
        assert interface.app is app  # self.app, as the seed says
        tools = interface.tools
        assert tools["method_name"].description == "method_description"
        assert tools["method_name"].attribute == "some_tool"
        assert tools["method_name"].required == ("arg1", "arg2")
        assert tools["method_name"].parameters == {"arg1": str, "arg2": str}
        assert tools["shout"].description == "Upper-cases a text."  # method name and docstring by default
        assert tools["get_weather"].schema["function"]["parameters"]["properties"]["unit"] == {
            "type": "string", "default": "C"
        }
        async with TestClient(app) as client:
            db = project.module("extensions").db
            ChatSession = project.module("api.models.chat_session").ChatSession
            async with db.create_session() as session:
                session.add(ChatSession(title="Trip planning"))
                await session.commit()

            res = await client.post("/api/v1/chats/1", json={"message": "Hello"})
            assert res.status_code == 200
            assert res.json() == {"chat": "Trip planning", "answer": "echo: Hello"}

            res = await client.post("/api/v1/chats/2", json={"message": "Hello"})
            assert res.status_code == 404 and res.json() == {"error": "no such chat"}

            server.reply(tool_calls=[tool_call("call_1", "method_name", {"arg1": "a", "arg2": "b"})])
            server.reply("Done: a+b")
            res = await client.post("/api/v1/chats/1", json={"message": "Use the tool"})
            assert res.json() == {"chat": "Trip planning", "answer": "Done: a+b"}

            server.reply(tool_calls=[tool_call("call_2", "broken", {})])
            res = await client.post("/api/v1/chats/1", json={"message": "Break it"})
            assert res.status_code == 502 and res.json() == {"error": "tool broken failed"}
        first = server.completions[0]
        assert first.headers["authorization"] == "Bearer sk-seed"
        assert first.body["model"] == "gpt-3.5-turbo" and first.body["temperature"] == 1.0
        assert first.body["response_format"] == {"type": "json_object"}
        assert "tools" not in first.body  # TOOL_CHOICE False
        assert server.completions[2].body["messages"][-1] == {
            "role": "tool", "tool_call_id": "call_1", "content": "a+b"
        }


async def test_ai_interface_tool_choice_and_chat_context_name(project, tmp_path):
    from openai_fake_server import FakeOpenAI

    async with FakeOpenAI() as server:
        ai_project(project, tmp_path, server.base_url, TOOL_CHOICE=True, CHAT_CONTEXT_NAME="conversation",
                   MODEL="llama3.1", TEMPERATURE=0.3)
        chat_api = project.package / "api" / "chats" / "chat_api.py"
        chat_api.write_text(chat_api.read_text().replace("chat_context:", "conversation:").replace("chat_context.", "conversation."))
        app = project.application()
        async with TestClient(app) as client:
            db = project.module("extensions").db
            ChatSession = project.module("api.models.chat_session").ChatSession
            async with db.create_session() as session:
                session.add(ChatSession(title="Named"))
                await session.commit()
            res = await client.post("/api/v1/chats/1", json={"message": "Hi"})
            assert res.json() == {"chat": "Named", "answer": "echo: Hi"}
        sent = server.completions[0].body
        assert (sent["model"], sent["temperature"], sent["tool_choice"]) == ("llama3.1", 0.3, "auto")
        assert [t["function"]["name"] for t in sent["tools"]] == ["broken", "get_weather", "method_name", "shout"]
