"""The application: config, registries by import string, lifecycle, properties."""

import sys
import textwrap

import pytest

from surge import BaseConfig, LogLevel, Surge, app, on_shutdown, on_startup
from surge.exceptions import ImproperlyConfigured
from surge.roles import Lifecycle
from surge.testing import TestClient
from surge.testing.client import LifespanFailed


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throwaway importable package ``proj_<n>`` with a controller, handler and middleware."""
    package = tmp_path / "proj_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "api.py").write_text(textwrap.dedent('''
        from surge import Request
        from surge.controller import Controller, get, path

        @path("/api")
        class Api(Controller):
            @get("/hello")
            async def hello(self, req: Request) -> dict:
                return {"hello": self.app.app_name}
    '''))
    (package / "mw.py").write_text(textwrap.dedent('''
        from surge.middleware import MiddlewareBase

        class Tag(MiddlewareBase):
            async def middleware(self, req):
                res = await self.next(req)
                res.headers["x-tag"] = "1"
                return res
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("proj_app")]:
        del sys.modules[name]


def make_config(tmp_path, **fields):
    namespace = {"__annotations__": {}}
    for key, value in fields.items():
        namespace["__annotations__"][key] = type(value) if value is not None else object
        namespace[key] = value
    namespace["__annotations__"]["BASE_PATH"] = str
    namespace["BASE_PATH"] = str(tmp_path)
    return type("Config", (BaseConfig,), namespace)


async def test_blank_start_with_import_strings(project) -> None:
    Config = make_config(
        project,
        APP_NAME="Test app",
        DEBUG=False,
        CONTROLLERS=["proj_app.api:Api"],
        MIDDLEWARE=["proj_app.mw:Tag"],
    )

    @app(__name__, configs=Config)
    class Application(Surge):
        pass

    application = Application()
    async with TestClient(application) as client:
        res = await client.get("/api/hello")
        assert res.json() == {"hello": "Test app"}
        assert res.headers["x-tag"] == "1"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("CONTROLLERS", ["proj_app.api:Missing"], "CONTROLLERS entry 'proj_app.api:Missing'"),
        ("CONTROLLERS", ["proj_app.nomodule:Api"], "cannot import module 'proj_app.nomodule'"),
        ("MIDDLEWARE", ["no-colon"], "MIDDLEWARE entry 'no-colon' must be"),
        ("EXTENSIONS", ["proj_app.api:nothing"], "EXTENSIONS entry 'proj_app.api:nothing'"),
        ("EXCEPTION_HANDLERS", ["proj_app.api:Api"], "must subclass surge.exceptions.ExceptionHandler"),
    ],
)
def test_bad_import_strings_fail_at_startup(project, key, value, message) -> None:
    Config = make_config(project, **{key: value})
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(".", r"\.")):
        Surge(__name__, configs=Config)


def test_invalid_config_value_names_the_key(tmp_path) -> None:
    class Config(BaseConfig):
        PORT: int = 8080

    import os

    os.environ["PORT"] = "not-a-port"
    try:
        with pytest.raises(ImproperlyConfigured, match="PORT"):
            Surge(__name__, configs=Config)
    finally:
        del os.environ["PORT"]


def test_config_defaults_env_and_dotenv(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("APP_NAME=From dotenv\nVERSION=9.9\n")
    monkeypatch.setenv("VERSION", "2.0")
    config = BaseConfig()
    assert config.APP_NAME == "From dotenv"
    assert config.VERSION == "2.0"  # env vars win over .env
    assert config.DEBUG is True
    assert config.HOST == "localhost"
    assert config.PORT == 8080
    assert config.LIFESPAN == "on"
    assert config.TEMPLATES_DIR == "/templates"
    assert config.STATIC_DIR == "/static"
    assert config.STATIC_URL == "/static"
    assert config.STRICT_SLASHES is False
    assert config.OPEN_API_URL == "/openapi"
    assert config.CORS_ALLOW_ORIGINS == ["*"]
    assert config.CORS_ALLOW_HEADERS == ["Authorization", "Content-Type"]
    assert config.CORS_MAX_AGE is None
    assert config.MAX_CONTENT_LENGTH == 16 * 1024 * 1024


def test_application_properties(tmp_path) -> None:
    class Config(BaseConfig):
        APP_NAME: str = "Props"
        VERSION: str = "3.1"
        BASE_PATH: str = str(tmp_path)
        CUSTOM: int = 5

    application = Surge(__name__, configs=Config)
    assert application.app_name == "Props"
    assert application.version == "3.1"
    assert application.root_path == str(tmp_path)
    assert application.static_files_path == str(tmp_path / "static")
    assert application.app is application
    assert application.get_conf("CUSTOM") == 5
    assert application.get_conf("MISSING", "fallback") == "fallback"
    with pytest.raises(KeyError, match="MISSING"):
        application.get_conf("MISSING")
    assert application.configs["VERSION"] == "3.1"
    assert hasattr(application.logger, "info")
    assert LogLevel.DEBUG == "DEBUG"


async def test_startup_and_shutdown_methods_run_in_alphabetical_order(tmp_path) -> None:
    calls: list[str] = []

    class Config(BaseConfig):
        BASE_PATH: str = str(tmp_path)

    @app(__name__, configs=Config)
    class Application(Surge):
        @on_startup
        async def b_second(self) -> None:
            calls.append("start-b")

        @on_startup
        async def a_first(self) -> None:
            calls.append("start-a")

        @on_shutdown
        async def shutdown_method(self) -> None:
            calls.append("stop")

    async with TestClient(Application()):
        assert calls == ["start-a", "start-b"]
    assert calls == ["start-a", "start-b", "stop"]


async def test_extension_lifecycle_and_failing_startup(tmp_path) -> None:
    events: list[str] = []

    class Ext(Lifecycle):  # a plain object with init_app; its lifespan methods come with the role
        def init_app(self, application: Surge) -> None:
            application.extensions["ext"] = self
            events.append("init")

        async def startup(self) -> None:
            events.append("startup")

        async def shutdown(self) -> None:
            events.append("shutdown")

    application = Surge(__name__, configs=BaseConfig(BASE_PATH=str(tmp_path)))
    application.add_extension(Ext())
    async with TestClient(application):
        assert events == ["init", "startup"]
    assert events == ["init", "startup", "shutdown"]

    class Broken(Lifecycle):
        def init_app(self, application: Surge) -> None:
            pass

        async def startup(self) -> None:
            raise ConnectionError("database down")

        async def shutdown(self) -> None:
            events.append("never started, never shut down")

    failing = Surge(__name__, configs=BaseConfig(BASE_PATH=str(tmp_path)))
    failing.add_extension(Broken())
    with pytest.raises(LifespanFailed, match="ConnectionError: database down"):
        async with TestClient(failing):
            pass


async def test_app_without_lifespan_compiles_on_first_request(tmp_path) -> None:
    from surge.controller import Controller, get, path

    from surge_testkit import make_app

    @path("/")
    class Api(Controller):
        @get("/")
        async def index(self, req) -> dict:
            return {"ok": True}

    async with TestClient(make_app(Api), lifespan=False) as client:
        assert (await client.get("/")).json() == {"ok": True}


async def test_custom_request_and_response_classes(tmp_path) -> None:
    from surge import Request, Response
    from surge.controller import Controller, get, path

    class MyRequest(Request):
        __slots__ = ()

        @property
        def tenant(self) -> str:
            return self.headers.get("x-tenant", "none")

    class MyResponse(Response):
        __slots__ = ()

        def tenant(self, name: str) -> "MyResponse":
            return self.set_header("x-served-tenant", name)

    @path("/")
    class Api(Controller):
        @get("/")
        async def index(self, req: MyRequest) -> Response:
            return req.response.tenant(req.tenant).json({"tenant": req.tenant})

    config = BaseConfig(BASE_PATH=str(tmp_path), DEBUG=False, REQUEST_CLASS=MyRequest, RESPONSE_CLASS=MyResponse)
    application = Surge(__name__, configs=config)
    application.register_controller(Api)
    async with TestClient(application) as client:
        res = await client.get("/", headers={"x-tenant": "acme"})
        assert res.json() == {"tenant": "acme"}
        assert res.headers["x-served-tenant"] == "acme"


async def test_external_url_for_uses_server_name_never_the_host_header(tmp_path) -> None:
    from surge import Request
    from surge.controller import Controller, get, path

    @path("/acct")
    class Accounts(Controller):
        @get("/reset/<token>")
        async def reset(self, req: Request, token: str) -> dict:
            return {"link": self.app.url_for("Accounts.reset", _external=True, token="t1")}

    application = Surge(__name__, configs=BaseConfig(BASE_PATH=str(tmp_path), SERVER_NAME="shop.example"))
    application.register_controller(Accounts)
    async with TestClient(application) as client:
        res = await client.get("/acct/reset/x", headers={"host": "evil.example"})
        assert res.json() == {"link": "https://shop.example/acct/reset/t1"}
    assert application.url_for("Accounts.reset", token="a") == "/acct/reset/a"
    assert application.url_for("Accounts.reset", _external=True, _scheme="http", token="a") == (
        "http://shop.example/acct/reset/a"
    )
    bare = Surge(__name__, configs=BaseConfig(BASE_PATH=str(tmp_path)))
    bare.register_controller(Accounts)
    with pytest.raises(ImproperlyConfigured, match="SERVER_NAME"):
        bare.url_for("Accounts.reset", _external=True, token="a")


async def test_cli_mode_registers_extensions_and_commands_but_no_web_parts(project) -> None:
    (project / "proj_app" / "cmds.py").write_text(textwrap.dedent('''
        from surge.cli import CLIController, command

        class Tools(CLIController):
            @command("hello")
            async def hello(self) -> None:
                print("hello from cli")
    '''))
    (project / "proj_app" / "ext.py").write_text(textwrap.dedent('''
        class Counter:
            def init_app(self, app):
                app.extensions["counter"] = self

        counter = Counter()
    '''))
    Config = make_config(
        project,
        DEBUG=False,
        CONTROLLERS=["proj_app.api:Api"],
        MIDDLEWARE=["proj_app.mw:Tag"],
        EXTENSIONS=["proj_app.ext:counter"],
        CLI_CONTROLLERS=["proj_app.cmds:Tools"],
    )

    @app(__name__, configs=Config)
    class Application(Surge):
        pass

    cli = Application(cli_mode=True)
    assert cli.cli_mode is True
    assert "counter" in cli.extensions
    assert [type(c).__name__ for c in cli.cli_controllers] == ["Tools"]
    assert cli.router.routes == []
    web = Application()
    assert web.cli_mode is False
    assert {route.name for route in web.router.routes} >= {"Api.hello"}
    async with TestClient(cli) as client:
        assert (await client.get("/api/hello")).status_code == 404
