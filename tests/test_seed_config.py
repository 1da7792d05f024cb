"""The seed README's configuration: defaults, values from the environment, REQUEST_CLASS/RESPONSE_CLASS.

The seed's own code (``pyjolt`` -> ``surge``), checked by what a client sees; the shared seed
application is in ``seed_app``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.exceptions import ImproperlyConfigured
from surge.testing import SurgeTestClient, TestClient

from seed_app import make_application
from surge_testkit import make_app


def test_config_defaults_match_the_seed() -> None:
    class Config(BaseConfig):
        APP_NAME: str = "Test app"
        VERSION: str = "1.0"
        BASE_PATH: str = os.path.dirname(__file__)

    configs = Config()  # to load default values if the user does not provide them
    assert configs.REQUEST_CLASS is Request and configs.RESPONSE_CLASS is Response
    assert configs.SECRET_KEY is None
    assert configs.DEBUG is True
    assert configs.HOST == "localhost"
    assert (configs.TEMPLATES_DIR, configs.STATIC_DIR, configs.STATIC_URL) == ("/templates", "/static", "/static")
    assert configs.TEMPLATES_STRICT is True and configs.STRICT_SLASHES is False
    assert (configs.OPEN_API, configs.OPEN_API_URL, configs.OPEN_API_DESCRIPTION) == (True, "/openapi", "Simple API")
    assert configs.CORS_ENABLED is True
    assert configs.CORS_ALLOW_ORIGINS == ["*"]
    assert configs.CORS_ALLOW_METHODS == ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    assert configs.CORS_ALLOW_HEADERS == ["Authorization", "Content-Type"]
    assert configs.CORS_EXPOSE_HEADERS == []
    assert configs.CORS_ALLOW_CREDENTIALS is True
    assert configs.CORS_MAX_AGE is None
    for key in ("CONTROLLERS", "CLI_CONTROLLERS", "EXTENSIONS", "MODELS", "EXCEPTION_HANDLERS", "MIDDLEWARE", "LOGGERS"):
        assert getattr(configs, key) == []
    # run.py reads these
    assert isinstance(configs.PORT, int) and configs.LIFESPAN in ("on", "auto", "off")


async def test_config_values_come_from_environment(monkeypatch: pytest.MonkeyPatch, app_folder: Path) -> None:
    monkeypatch.setenv("APP_NAME", "From env")
    Application = make_application(app_folder)
    async with SurgeTestClient(Application()) as client:
        res = await client.get("/api/v1/info")
    assert res.json()["app_name"] == "From env"


class MyRequest(Request):
    __slots__ = ()

    @property
    def tenant(self) -> str:
        return self.headers.get("x-tenant", "none")


class MyResponse(Response[Any]):
    __slots__ = ()


@path("/custom")
class CustomClassesApi(Controller):
    @get("/")
    async def index(self, req: MyRequest) -> Response:
        return req.response.json({
            "tenant": req.tenant,
            "request_class": type(req).__name__,
            "response_class": type(req.response).__name__,
        })


async def test_request_and_response_classes_from_config() -> None:
    application = make_app(CustomClassesApi, REQUEST_CLASS=MyRequest, RESPONSE_CLASS=MyResponse)
    async with TestClient(application) as client:
        res = await client.get("/custom", headers={"x-tenant": "acme"})
    assert res.json() == {"tenant": "acme", "request_class": "MyRequest", "response_class": "MyResponse"}


def test_request_class_must_subclass_request() -> None:
    class Config(BaseConfig):
        REQUEST_CLASS: type[Request] = dict  # type: ignore[assignment]

    with pytest.raises(ImproperlyConfigured, match="REQUEST_CLASS"):
        Surge(__name__, configs=Config)
