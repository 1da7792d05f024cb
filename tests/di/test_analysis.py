"""What providers can take: other providers, the Request, config values, request headers and
query parameters (validated, listed for OpenAPI), and values that extensions provide."""

from __future__ import annotations

import sqlite3
import sys
import types
from pathlib import Path
from typing import Annotated, Any

import pytest
from sqlalchemy import text

from surge import BaseConfig, Depends, Request, Surge
from surge.controller import Controller, get, path, post
from surge.controller.spec import add_controller_guard
from surge.database.sql import AsyncSession, SqlDatabase
from surge.di import FromConfig, FromExtension, FromHeader, RequestParameter, registry_of, request_parameters
from surge.extension import BaseExtension
from surge.testing import TestClient

from surge_testkit import make_app


class ApiClient:
    def __init__(self, url: str, timeout: float, debug: bool) -> None:
        self.url, self.timeout, self.debug = url, timeout, debug


def api_client(
    url: Annotated[str, FromConfig("API.URL")],
    timeout: Annotated[float, FromConfig("API.TIMEOUT")] = 2.5,
    debug: Annotated[bool, FromConfig("DEBUG")] = False,
) -> ApiClient:
    return ApiClient(url, timeout, debug)


class Pagination:
    def __init__(self, page: int, size: int, tags: list[str]) -> None:
        self.page, self.size, self.tags = page, size, tags


def pagination(page: int = 1, size: int = 20, tags: list[str] | None = None) -> Pagination:
    """Query parameters of a provider: validated like a handler's own."""
    return Pagination(page, size, tags or [])


class Caller:
    def __init__(self, token: str, agent: str, path: str) -> None:
        self.token, self.agent, self.path = token, agent, path


def caller(
    req: Request,
    api_key: Annotated[str, FromHeader("X-Api-Key")],
    user_agent: Annotated[str, FromHeader()] = "unknown",
) -> Caller:
    return Caller(api_key, user_agent, req.path)


class Greeter:
    """A class provider: its constructor's parameters are dependencies too."""

    def __init__(self, client: ApiClient, who: Caller) -> None:
        self.client, self.who = client, who

    def greet(self) -> str:
        return f"hello {self.who.token} from {self.client.url}"


@path("/src")
class SourcesController(Controller):
    @get("/config")
    async def config(self, req: Request, client: ApiClient) -> dict[str, Any]:
        return {"url": client.url, "timeout": client.timeout, "debug": client.debug}

    @get("/page")
    async def page(self, req: Request, paging: Pagination, q: str = "") -> dict[str, Any]:
        return {"page": paging.page, "size": paging.size, "tags": paging.tags, "q": q}

    @get("/caller")
    async def who(self, req: Request, who: Caller) -> dict[str, Any]:
        return {"token": who.token, "agent": who.agent, "path": who.path}

    @get("/greet")
    async def greet(self, req: Request, greeter: Annotated[Greeter, Depends()]) -> dict[str, Any]:
        return {"text": greeter.greet()}

    @get("/default-marker")
    async def default_marker(self, req: Request, paging: Pagination = Depends(pagination)) -> dict[str, Any]:
        return {"page": paging.page}

    @get("/header")
    async def header(self, req: Request, trace: Annotated[str, FromHeader("x-trace-id")]) -> dict[str, Any]:
        return {"trace": trace}


def build(**settings: Any) -> Any:
    settings.setdefault("API", {"URL": "https://api.example"})
    app = make_app(SourcesController, **settings)
    for func in (api_client, pagination, caller):
        app.add_dependency(func)
    return app


async def test_config_values_are_read_and_validated_at_startup() -> None:
    async with TestClient(build(API={"URL": "https://x.test", "TIMEOUT": "7"}, DEBUG=False)) as client:
        assert (await client.get("/src/config")).json() == {"url": "https://x.test", "timeout": 7.0, "debug": False}


async def test_query_parameters_of_providers_are_parsed_and_validated() -> None:
    async with TestClient(build()) as client:
        body = (await client.get("/src/page", params=[("page", "3"), ("tags", "a"), ("tags", "b"), ("q", "x")])).json()
        assert body == {"page": 3, "size": 20, "tags": ["a", "b"], "q": "x"}
        assert (await client.get("/src/page")).json() == {"page": 1, "size": 20, "tags": [], "q": ""}
        bad = await client.get("/src/page", params={"page": "three"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["loc"] == ["query", "page"]


async def test_headers_and_the_request_reach_providers() -> None:
    async with TestClient(build()) as client:
        ok = await client.get("/src/caller", headers={"X-Api-Key": "k1", "User-Agent": "probe/1"})
        assert ok.json() == {"token": "k1", "agent": "probe/1", "path": "/src/caller"}
        missing = await client.get("/src/caller")
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["loc"] == ["header", "api_key"]


async def test_handler_parameter_from_a_header() -> None:
    async with TestClient(build()) as client:
        assert (await client.get("/src/header", headers={"X-Trace-Id": "t-9"})).json() == {"trace": "t-9"}
        assert (await client.get("/src/header")).status_code == 422


async def test_class_provider_and_bare_depends() -> None:
    async with TestClient(build()) as client:
        body = (await client.get("/src/greet", headers={"X-Api-Key": "k2"})).json()
    assert body == {"text": "hello k2 from https://api.example"}


async def test_depends_as_a_default_value() -> None:
    async with TestClient(build()) as client:
        assert (await client.get("/src/default-marker", params={"page": "4"})).json() == {"page": 4}


async def test_request_parameters_lists_what_providers_read_for_openapi() -> None:
    app = build()
    async with TestClient(app):
        routes = {route.info.name: route.info for route in app.router.routes}
        page = request_parameters(routes["SourcesController.page"].params)
        greet = request_parameters(routes["SourcesController.greet"].params)
        plain = request_parameters(routes["SourcesController.config"].params)
    assert [(p.location, p.name, p.required, p.default) for p in page] == [
        ("query", "page", False, 1),
        ("query", "size", False, 20),
        ("query", "tags", False, None),
    ]
    assert page[0] == RequestParameter("page", "query", int, 1, False, "pagination")
    assert [(p.location, p.name, p.required) for p in greet] == [
        ("header", "x-api-key", True),
        ("header", "user-agent", False),
    ]
    assert plain == []


# -- values that extensions provide ---------------------------------------------------------------


class User:
    def __init__(self, name: str) -> None:
        self.name = name


async def fake_login(req: Request) -> None:
    """A class guard standing in for an auth extension: it sets ``req.user`` before injection."""
    req.user = User(req.headers.get("x-user", "guest"))


def current_user(req: Request) -> User:
    return req.user  # type: ignore[no-any-return]


class Notes:
    def __init__(self, session: AsyncSession, author: User) -> None:
        self.session, self.author = session, author

    async def add(self, body: str) -> None:
        await self.session.execute(text("INSERT INTO notes (author, body) VALUES (:a, :b)"), {"a": self.author.name, "b": body})


def notes_repo(session: Annotated[AsyncSession, FromExtension("session")], author: User) -> Notes:
    return Notes(session, author)


notes_db = SqlDatabase(db_name="di_notes", configs_name="DI_NOTES_DB")


@path("/notes")
class NotesController(Controller):
    @post("/<body>")
    @notes_db.managed_session
    async def add(self, req: Request, body: str, session: AsyncSession, notes: Notes) -> dict[str, Any]:
        await notes.add(body)
        return {"author": notes.author.name, "same_session": notes.session is session}

    @get("/count")
    @notes_db.readonly_session
    async def count(self, req: Request, session: AsyncSession, notes: Notes) -> dict[str, Any]:
        rows = await notes.session.execute(text("SELECT count(*) FROM notes"))
        return {"count": rows.scalar_one(), "same_session": notes.session is session}


add_controller_guard(NotesController, fake_login)


async def test_providers_take_the_sql_session_and_the_current_user(tmp_path: Path) -> None:
    database = tmp_path / "notes.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, author TEXT, body TEXT)")
    app = make_app(NotesController, DI_NOTES_DB={"DATABASE_URI": f"sqlite+aiosqlite:///{database}"})
    app.add_extension(notes_db)
    app.add_dependency(notes_repo)
    app.add_dependency(current_user)
    async with TestClient(app) as client:
        response = await client.post("/notes/hello", headers={"x-user": "ada"})
        count = await client.get("/notes/count")
    assert response.json() == {"author": "ada", "same_session": True}
    assert count.json() == {"count": 1, "same_session": True}
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT author, body FROM notes").fetchall() == [("ada", "hello")]


class Tenant:
    def __init__(self, name: str) -> None:
        self.name = name


class TenantExtension(BaseExtension):
    """An extension that offers its value by type: it registers a provider in init_app."""

    def init_app(self, app: Surge) -> None:
        super().init_app(app)
        config = app.get_conf("TENANT_EXTENSION", {})
        registry_of(app).register(lambda: Tenant(config.get("NAME", "default")), provides=Tenant, scope="app")


@path("/tenant")
class TenantController(Controller):
    @get("")
    async def tenant(self, req: Request, tenant: Tenant) -> dict[str, Any]:
        return {"tenant": tenant.name}


async def test_an_extension_can_provide_values_by_type() -> None:
    app = make_app(TenantController, TENANT_EXTENSION={"NAME": "acme"})
    app.add_extension(TenantExtension())
    async with TestClient(app) as client:
        assert (await client.get("/tenant")).json() == {"tenant": "acme"}


# -- registration through config -----------------------------------------------------------------


@pytest.fixture
def providers_module() -> Any:
    module = types.ModuleType("di_config_providers")

    def make_tenant() -> Tenant:
        return Tenant("from config")

    module.make_tenant = make_tenant  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


async def test_dependencies_config_list_registers_providers(providers_module: Any) -> None:
    class Config(BaseConfig):
        DEBUG: bool = False
        DEPENDENCIES: list[str] = ["di_config_providers:make_tenant"]

    app = Surge(__name__, configs=Config)
    app.register_controller(TenantController)
    async with TestClient(app) as client:
        assert (await client.get("/tenant")).json() == {"tenant": "from config"}
