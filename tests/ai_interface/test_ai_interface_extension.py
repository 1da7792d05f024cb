"""AiInterface: config, @tool metadata and runs, chat contexts through real requests (SQLite
sessions), and the OpenAI client against a local OpenAI-compatible server (no network)."""

from __future__ import annotations

import sys
import time
import typing
from typing import Annotated, Any, Literal, Optional

import openai
import pytest
from pydantic import BaseModel, Field
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surge import HttpStatus, Request, Response
from surge.ai_interface import (
    AiInterface,
    AiProviderUnavailable,
    ChatContextNotFound,
    FailedToRunAiToolMethod,
    tool,
)
from surge.ai_interface.tools import ToolArgumentsError
from surge.controller import Controller, get, path, post
from surge.database import AsyncSession, create_declerative_base
from surge.database.sql import SqlDatabase
from surge.exceptions import ExceptionHandler, ImproperlyConfigured, MissingDependency, handles
from surge.testing import TestClient

from openai_fake_server import FakeOpenAI, tool_call
from surge_testkit import make_app

db = SqlDatabase(db_name="ai_db", configs_name="AI_DB")
Base = create_declerative_base("ai_db")


class ChatSession(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))


class Place(BaseModel):
    city: str
    country: str = "SI"


class WeatherTools:
    """Tools grouped in a mixin, as the seed recommends."""

    @tool(name="get_weather", description="Current weather in a city")
    async def weather(self, city: Annotated[str, Field(description="City name")], unit: Literal["C", "F"] = "C") -> dict:
        return {"city": city, "temperature": 21 if unit == "C" else 70, "unit": unit}


class Interface(WeatherTools, AiInterface):
    LOADED_WITH: list[Any] = []

    @db.managed_session
    async def chat_context_loader(self, req: Request, session: AsyncSession) -> Optional[ChatSession]:
        chat_session_id: Optional[int] = req.route_parameters.get("chat_session_id", None)
        self.LOADED_WITH.append(session)
        if chat_session_id is None:
            return None
        return await ChatSession.query(session).filter_by(id=chat_session_id).first()

    @tool
    def add(self, a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    @tool()
    async def locate(self, place: Place, tags: list[str] | None = None) -> str:
        return f"{place.city}, {place.country} {tags or []}"

    @tool(name="explode")
    async def explode(self) -> None:
        raise ValueError("tool failure")


ai_interface = Interface()


@path("/chats")
class ChatApi(Controller):
    @get("/<int:chat_session_id>")
    @ai_interface.with_chat_context
    async def show(self, req: Request, chat_session_id: int, chat_context: ChatSession) -> Response:
        """Shows a chat session."""
        return req.response.json({"id": chat_context.id, "title": chat_context.title})

    @post("/<int:chat_session_id>/rename")
    @db.managed_session
    @ai_interface.with_chat_context
    async def rename(self, req: Request, chat_session_id: int, chat_context: ChatSession, session: AsyncSession) -> Response:
        """Renames a chat session in the endpoint's own session."""
        chat = await ChatSession.query(session).filter_by(id=chat_context.id).one()
        chat.title = "renamed"
        return req.response.json({"loader_session_is_other": ai_interface.LOADED_WITH[-1] is not session})

    @get("/none")
    @ai_interface.with_chat_context
    async def without_id(self, req: Request, chat_context: Any) -> Response:
        return req.response.json({"unreachable": True})

    @post("/tools/<name>")
    async def run(self, req: Request, name: str) -> Response:
        """Runs a tool with the request's JSON body as arguments."""
        return req.response.json({"result": await ai_interface.run_tool(name, await req.json())})


class ToolErrors(ExceptionHandler):
    @handles(FailedToRunAiToolMethod)
    async def tool_failed(self, req: Request, exc: FailedToRunAiToolMethod) -> Response:
        return req.response.json({"tool": exc.tool_name, "cause": type(exc.__cause__).__name__}).status(
            HttpStatus.BAD_GATEWAY
        )


def ai_app(tmp_path: Any, *controllers: type, handler: bool = False, debug: bool = False, **section: Any) -> Any:
    app = make_app(
        *controllers,
        DEBUG=debug,
        AI_DB={"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'chats.db'}"},
        AI_INTERFACE={"API_KEY": "sk-test", **section},
    )
    if handler:
        app.add_exception_handler(ToolErrors)
    app.add_extension(db)
    app.add_extension(ai_interface)
    return app


async def add_chats(*titles: str) -> None:
    async with db.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with db.create_session() as session:
        session.add_all([ChatSession(title=title) for title in titles])
        await session.commit()


# -- config -----------------------------------------------------------------------------------------
def test_config_defaults_are_the_seeds(tmp_path):
    ai_app(tmp_path)
    seeds = {
        "API_KEY": "sk-test",
        "API_BASE_URL": "https://api.openai.com/v1",
        "ORGANIZATION_ID": None,
        "PROJECT_ID": None,
        "TIMEOUT": 30,
        "MODEL": "gpt-3.5-turbo",
        "TEMPERATURE": 1.0,
        "RESPONSE_FORMAT": {"type": "json_object"},
        "TOOL_CHOICE": False,
        "MAX_RETRIES": 0,
        "CHAT_CONTEXT_NAME": "chat_context",
    }
    configs = ai_interface.configs
    assert {key: configs[key] for key in seeds} == seeds  # Surge's own keys (history, tools, ...) follow
    assert (configs["MAX_TOOL_STEPS"], configs["HISTORY_MAX_TOKENS"], configs["UNAVAILABLE_RETRY_AFTER"]) == (5, 4000, 5)
    assert ai_interface.configs_name == "AI_INTERFACE" and ai_interface.app is not None


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (None, "Missing config section AI_INTERFACE"),
        ({}, "AI_INTERFACE.API_KEY"),
        ({"API_KEY": "k", "TEMPRATURE": 0.5}, "AI_INTERFACE.TEMPRATURE"),
        ({"API_KEY": "k", "TEMPERATURE": 3}, "AI_INTERFACE.TEMPERATURE"),
        ({"API_KEY": "k", "CHAT_CONTEXT_NAME": "chat-context"}, "AI_INTERFACE.CHAT_CONTEXT_NAME"),
    ],
)
def test_bad_config_fails_at_startup_naming_the_key(section, message):
    settings = {} if section is None else {"AI_INTERFACE": section}
    app = make_app(**settings)
    with pytest.raises(ImproperlyConfigured, match=message):
        app.add_extension(Interface())


def test_missing_openai_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)
    app = make_app(AI_INTERFACE={"API_KEY": "k"})
    with pytest.raises(MissingDependency, match=r'pip install "surge\[ai_interface\]"'):
        app.add_extension(Interface())


# -- tools ------------------------------------------------------------------------------------------
def test_tool_metadata_and_openai_schemas():
    tools = ai_interface.tools
    assert sorted(tools) == ["add", "explode", "get_weather", "locate"]
    weather = tools["get_weather"]
    assert (weather.attribute, weather.description, weather.required) == ("weather", "Current weather in a city", ("city",))
    assert list(weather.parameters) == ["city", "unit"] and weather.parameters["unit"] == Literal["C", "F"]
    assert typing.get_args(weather.parameters["city"])[0] is str  # Annotated[str, Field(description=...)]
    assert weather.schema == {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name"},
                    "unit": {"type": "string", "enum": ["C", "F"], "default": "C"},
                },
                "required": ["city"],
                "additionalProperties": False,
            },
        },
    }
    assert tools["add"].description == "Add two numbers."  # the docstring when no description is given
    locate = tools["locate"].parameters_schema
    assert locate["properties"]["place"] == {"$ref": "#/$defs/Place"} and locate["required"] == ["place"]
    assert tools["explode"].parameters_schema["properties"] == {}
    assert [schema["function"]["name"] for schema in ai_interface.tool_schemas] == sorted(tools)


def test_tool_names_must_be_unique_and_annotations_resolvable():
    class Twice(AiInterface):
        @tool(name="same")
        async def one(self) -> None: ...

        @tool(name="same")
        async def two(self) -> None: ...

    with pytest.raises(ImproperlyConfigured, match="'same' is used by both one and two"):
        Twice()

    class Unresolvable(AiInterface):
        @tool()
        async def broken(self, value: NotDefinedAnywhere) -> None: ...  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(ImproperlyConfigured, match="Unresolvable.broken: cannot resolve its annotations"):
        Unresolvable()


async def test_run_tool_validates_converts_and_wraps_failures(tmp_path):
    ai_app(tmp_path)
    assert await ai_interface.run_tool("add", '{"a": 2, "b": "40"}') == 42  # sync tool, "40" converted
    assert await ai_interface.run_tool("get_weather", {"city": "Ljubljana"}) == {
        "city": "Ljubljana", "temperature": 21, "unit": "C"
    }
    assert await ai_interface.run_tool("locate", {"place": {"city": "Kranj"}, "tags": ["x"]}) == "Kranj, SI ['x']"
    for name, arguments, cause in [
        ("explode", None, ValueError),
        ("add", '{"a": 1}', Exception),  # missing argument
        ("add", '{"a": 1, "b": 2, "c": 3}', Exception),  # unknown argument
        ("add", "{not json", ToolArgumentsError),
        ("add", "[1, 2]", ToolArgumentsError),
    ]:
        with pytest.raises(FailedToRunAiToolMethod) as info:
            await ai_interface.run_tool(name, arguments)
        assert info.value.tool_name == name and info.value.arguments == arguments
        assert isinstance(info.value.__cause__, cause) and info.value.status_code == 422
    with pytest.raises(FailedToRunAiToolMethod, match="Unknown AI tool 'nope'"):
        await ai_interface.run_tool("nope")


async def test_tool_failure_in_an_endpoint_default_answer_and_exception_handler(tmp_path):
    async with TestClient(ai_app(tmp_path, ChatApi)) as client:
        res = await client.post("/chats/tools/add", json={"a": 1, "b": 2})
        assert res.status_code == 200 and res.json() == {"result": 3}
        res = await client.post("/chats/tools/explode", json={})
        assert res.status_code == 422
        assert res.json() == {"status": "error", "message": "Failed to run AI tool 'explode'", "data": {"tool": "explode"}}
    async with TestClient(ai_app(tmp_path, ChatApi, handler=True)) as client:
        res = await client.post("/chats/tools/explode", json={})
        assert res.status_code == 502 and res.json() == {"tool": "explode", "cause": "ValueError"}


# -- chat contexts ----------------------------------------------------------------------------------
async def test_chat_context_loaded_in_its_own_managed_session_and_injected(tmp_path):
    app = ai_app(tmp_path, ChatApi)
    async with TestClient(app) as client:
        await add_chats("first", "second")
        res = await client.get("/chats/2")
        assert res.status_code == 200 and res.json() == {"id": 2, "title": "second"}
        assert isinstance(Interface.LOADED_WITH[-1], AsyncSession)

        res = await client.post("/chats/1/rename")
        assert res.status_code == 200 and res.json() == {"loader_session_is_other": True}
        assert (await client.get("/chats/1")).json()["title"] == "renamed"  # the endpoint's session committed

        res = await client.get("/chats/99")
        assert res.status_code == 404
        assert res.json() == {"status": "error", "message": "Chat context not found"}
        assert (await client.get("/chats/none")).status_code == 404  # the loader found no id


async def test_chat_context_not_found_handled_and_custom_context_name(tmp_path):
    class NotFoundPage(ExceptionHandler):
        @handles(ChatContextNotFound)
        async def missing(self, req: Request, exc: ChatContextNotFound) -> Response:
            return req.response.json({"missing_chat": req.route_parameters.get("chat_id")}).status(404)

    class Renamed(AiInterface):
        def chat_context_loader(self, req: Request) -> Any:  # a sync loader without decorators
            chat_id = req.route_parameters["chat_id"]
            return {"chat": chat_id} if chat_id < 10 else None

    renamed = Renamed(configs_name="ASSISTANT")

    @path("/assistant")
    class AssistantApi(Controller):
        @get("/<int:chat_id>")
        @renamed.with_chat_context
        async def show(self, req: Request, chat_id: int, conversation: dict) -> Response:
            return req.response.json(conversation)

    app = make_app(AssistantApi, ASSISTANT={"API_KEY": "k", "CHAT_CONTEXT_NAME": "conversation"})
    app.add_extension(renamed)
    app.add_exception_handler(NotFoundPage)
    async with TestClient(app) as client:
        assert (await client.get("/assistant/3")).json() == {"chat": 3}
        res = await client.get("/assistant/12")
        assert res.status_code == 404 and res.json() == {"missing_chat": 12}


async def test_with_chat_context_needs_a_loader_and_the_extension(tmp_path):
    class NoLoader(AiInterface):
        pass

    no_loader = NoLoader()

    @path("/x")
    class Api(Controller):
        @get("/")
        @no_loader.with_chat_context
        async def show(self, req: Request, chat_context: Any) -> Response:
            return req.response.json({})

    app = make_app(Api, AI_INTERFACE={"API_KEY": "k"})
    app.add_extension(no_loader)
    with pytest.raises(ImproperlyConfigured, match="NoLoader must implement chat_context_loader"):
        await app.startup()
    with pytest.raises(ImproperlyConfigured, match="not in this app's EXTENSIONS"):
        await make_app(Api).startup()


async def test_openapi_keeps_the_description_and_documents_the_404(tmp_path):
    app = ai_app(tmp_path, ChatApi, debug=True)
    async with TestClient(app) as client:
        spec = (await client.get("/openapi/specs.json")).json()
    show = spec["paths"]["/chats/{chat_session_id}"]["get"]
    assert "Shows a chat session." in str(show)
    assert [param["name"] for param in show["parameters"]] == ["chat_session_id"]  # chat_context is injected
    assert "404" in show["responses"]


# -- the OpenAI client --------------------------------------------------------------------------------
async def test_chat_completion_sends_the_configured_request(tmp_path):
    async with FakeOpenAI() as server:
        app = ai_app(
            tmp_path,
            API_BASE_URL=server.base_url,
            ORGANIZATION_ID="org-1",
            PROJECT_ID="proj-1",
            MODEL="llama3",
            TEMPERATURE=0.2,
        )
        async with TestClient(app):
            completion = await ai_interface.chat_completion([{"role": "user", "content": "Hi in JSON"}])
            assert completion.choices[0].message.content == "echo: Hi in JSON"
            assert completion.model == "llama3"
            await ai_interface.chat_completion(
                [{"role": "user", "content": "plain"}], response_format=None, model="other", max_tokens=5
            )
            client = ai_interface.client
        assert client.is_closed()  # closed at shutdown
        first, second = server.completions
        assert first.headers["authorization"] == "Bearer sk-test"
        assert first.headers["openai-organization"] == "org-1" and first.headers["openai-project"] == "proj-1"
        assert first.body == {
            "messages": [{"role": "user", "content": "Hi in JSON"}],
            "model": "llama3",
            "temperature": 0.2,
            "response_format": {"type": "json_object"},
        }
        assert second.body["model"] == "other" and second.body["max_tokens"] == 5
        assert "response_format" not in second.body and "tools" not in second.body  # TOOL_CHOICE defaults to False


async def test_tool_choice_and_a_tool_call_round_trip(tmp_path):
    async with FakeOpenAI() as server:
        app = ai_app(tmp_path, API_BASE_URL=server.base_url, TOOL_CHOICE=True, RESPONSE_FORMAT=None)
        async with TestClient(app):
            server.reply(tool_calls=[tool_call("call_1", "get_weather", {"city": "Maribor", "unit": "F"}),
                                     tool_call("call_2", "add", {"a": 1, "b": 2})])
            server.reply("It is 70 F in Maribor, and 1 + 2 = 3.")
            messages: list[dict[str, Any]] = [{"role": "user", "content": "Weather in Maribor? And 1 + 2?"}]
            completion = await ai_interface.chat_completion(messages)
            message = completion.choices[0].message
            messages.append(message.model_dump(exclude_none=True))
            messages.extend(await ai_interface.run_tool_calls(message.tool_calls))
            final = await ai_interface.chat_completion(messages)
            assert final.choices[0].message.content == "It is 70 F in Maribor, and 1 + 2 = 3."
            without = await ai_interface.chat_completion([{"role": "user", "content": "x"}], use_tools=False)
            assert without.choices[0].message.content == "echo: x"
        asked, answered, plain = server.completions
        assert asked.body["tool_choice"] == "auto"
        assert sorted(t["function"]["name"] for t in asked.body["tools"]) == ["add", "explode", "get_weather", "locate"]
        assert answered.body["messages"][-2:] == [
            {"role": "tool", "tool_call_id": "call_1", "content": '{"city": "Maribor", "temperature": 70, "unit": "F"}'},
            {"role": "tool", "tool_call_id": "call_2", "content": "3"},
        ]
        assert "tools" not in plain.body


async def test_max_retries_and_timeout(tmp_path):
    async with FakeOpenAI() as server:
        async with TestClient(ai_app(tmp_path, API_BASE_URL=server.base_url)):  # MAX_RETRIES = 0
            server.reply(status=500, error="overloaded")
            with pytest.raises(AiProviderUnavailable) as failed:  # 503 with Retry-After, not a 500
                await ai_interface.chat_completion([{"role": "user", "content": "a"}])
            assert isinstance(failed.value.__cause__, openai.InternalServerError)
        assert len(server.completions) == 1

        async with TestClient(ai_app(tmp_path, API_BASE_URL=server.base_url, MAX_RETRIES=1)):
            server.reply(status=500, error="overloaded")
            completion = await ai_interface.chat_completion([{"role": "user", "content": "b"}])
            assert completion.choices[0].message.content == "echo: b"
        assert len(server.completions) == 3

        async with TestClient(ai_app(tmp_path, API_BASE_URL=server.base_url, TIMEOUT=0.3)):
            server.reply("too late", delay=2)
            started = time.monotonic()
            with pytest.raises(AiProviderUnavailable) as failed:
                await ai_interface.chat_completion([{"role": "user", "content": "c"}])
            assert isinstance(failed.value.__cause__, openai.APITimeoutError)
            assert time.monotonic() - started < 1.5
