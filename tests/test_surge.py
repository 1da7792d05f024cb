"""``surge.surge`` (PyJolt's ``pyjolt.pyjolt``): ``app_path``, ``validate_config``, and the typed app."""

from __future__ import annotations

import pytest

from surge import BaseConfig, HttpMethod, Request, Response, Surge, app, app_path
from surge.controller import Controller, get, path
from surge.controller.decorators import endpoint_decorator_factory
from surge.surge import MissingAppConfigurations, validate_config
from surge.testing import TestClient


class Config(BaseConfig):
    DEBUG: bool = False
    OPEN_API: bool = False
    GREETING: str = "hi"


@app(__name__, configs=Config)
@app_path("/api")
class Application(Surge[Config]):
    pass


options = endpoint_decorator_factory(HttpMethod("PATCH"))
report = endpoint_decorator_factory("REPORT")


@path("/users")
class Users(Controller[Application]):
    @get("/")
    async def index(self, req: Request) -> Response:
        return req.response.json(
            {"greeting": self.app.get_conf("GREETING"), "url": self.app.url_for("Users.index")}
        )

    @options("/<int:user_id>")
    async def rename(self, req: Request, user_id: int) -> Response:
        return req.response.json({"patched": user_id})

    @report("/")
    async def summary(self, req: Request) -> Response:
        return req.response.text("report")


async def test_controllers_are_served_under_the_app_path() -> None:
    application = Application()
    application.register_controller(Users)
    async with TestClient(application) as client:
        res = await client.get("/api/users/")
        assert res.json() == {"greeting": "hi", "url": "/api/users"}
        assert (await client.get("/users/")).status_code == 404
        assert (await client.patch("/api/users/5")).json() == {"patched": 5}
        assert (await client.request("REPORT", "/api/users/")).text == "report"


def test_typed_app_and_controller_at_run_time() -> None:
    assert isinstance(Application(), Surge)
    assert issubclass(Users, Controller)
    assert Surge[Config] is not Surge and Controller[Application] is not Controller


def test_validate_config() -> None:
    assert validate_config(Config).GREETING == "hi"
    instance = Config(GREETING="yo")
    assert validate_config(instance) is instance
    with pytest.raises(MissingAppConfigurations, match="BaseConfig"):
        validate_config(dict)  # type: ignore[arg-type]

    class Broken(BaseConfig):
        PORT: int = "not a port"  # type: ignore[assignment]

    with pytest.raises(MissingAppConfigurations, match="PORT"):
        validate_config(Broken)
