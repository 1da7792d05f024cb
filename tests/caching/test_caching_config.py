"""CACHE misconfiguration fails at startup naming the key; custom backends plug in by name."""

from __future__ import annotations

from typing import Any

import pytest
from loguru import logger

from surge import Request
from surge.app import Surge
from surge.caching import BaseCacheBackend, Cache, MemoryCacheBackend
from surge.controller import Controller, get, path
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient

from surge_testkit import make_app

cache = Cache()
hits: list[str] = []


@path("/")
class Api(Controller):
    @get("/value")
    @cache.cache()
    async def value(self, req: Request) -> dict[str, Any]:
        hits.append("value")
        return {"n": len(hits)}


class FlakyBackend(BaseCacheBackend):
    """A custom backend (memory underneath) that can be switched to failing."""

    instances: list[FlakyBackend] = []

    def __init__(self, label: str) -> None:
        self.label = label
        self.store = MemoryCacheBackend()
        self.down = False
        FlakyBackend.instances.append(self)

    @classmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> FlakyBackend:
        return cls(cls.section(app, variable_prefix)["LABEL"])

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("backend is down")

    async def connect(self) -> None:
        self._check()

    async def disconnect(self) -> None:
        pass

    async def get(self, key: str) -> dict[str, Any] | None:
        self._check()
        return await self.store.get(key)

    async def set(self, key: str, value: dict[str, Any], duration: int | None = None) -> None:
        self._check()
        await self.store.set(key, value, duration)

    async def delete(self, key: str) -> None:
        self._check()
        await self.store.delete(key)

    async def clear(self) -> None:
        self._check()
        await self.store.clear()


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"BACKEND": "nowhere.module:Backend"}, "CACHE.BACKEND"),
        ({"BACKEND": "surge.caching:Cache"}, "CACHE.BACKEND"),
        ({"DURATION": 0}, "CACHE.DURATION"),
        ({"SQLITE_WAL_CHECKPOINT_MODE": "SOMETIMES"}, "CACHE.SQLITE_WAL_CHECKPOINT_MODE"),
        ({"BACKEND": "surge.caching:RedisCacheBackend"}, "CACHE.REDIS_URL"),
        ({"BACKEND": "surge.caching:SqliteCacheBackend", "SQLITE_TABLE": "x; drop"}, "CACHE.SQLITE_TABLE"),
    ],
)
def test_bad_config_names_the_key(section, named):
    app = make_app(Api, CACHE=section)
    with pytest.raises(ImproperlyConfigured, match=named.replace(".", r"\.")):
        app.add_extension(Cache())


def test_variable_prefix_selects_the_section():
    extension = Cache(variable_prefix="OTHER_")
    app = make_app(OTHER_CACHE={"DURATION": 42})
    app.add_extension(extension)
    assert extension.configs_name == "OTHER_CACHE"
    assert extension.duration == 42
    assert app.extensions["other_cache"] is extension


async def test_custom_backend_by_import_string_and_recovery():
    hits.clear()
    FlakyBackend.instances.clear()
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="INFO")
    app = make_app(Api, CACHE={"BACKEND": f"{__name__}:FlakyBackend", "LABEL": "mine"})
    app.add_extension(cache)
    try:
        async with TestClient(app) as client:
            backend = FlakyBackend.instances[-1]
            assert backend.label == "mine" and cache.backend is backend
            assert (await client.get("/value")).json() == {"n": 1}
            assert (await client.get("/value")).json() == {"n": 1}
            backend.down = True
            await cache.clear()
            assert (await client.get("/value")).status_code == 200
            assert (await client.get("/value")).json() == {"n": 3}
            backend.down = False
            assert (await client.get("/value")).json() == {"n": 1}  # the old entry is still there
    finally:
        logger.remove(sink)
    failures = [m for m in messages if "FlakyBackend failed" in m]
    assert len(failures) == 1  # once per outage, not once per request
    assert any("FlakyBackend is back" in m for m in messages)


def test_duration_must_be_positive():
    with pytest.raises(ValueError):
        cache.cache(duration=0)


async def test_decorator_without_the_extension_fails_at_startup():
    app = make_app(Api)  # the Cache object is not added to this app
    with pytest.raises(
        ImproperlyConfigured, match=r"Api\.value via @cache\.cache uses <Cache \(CACHE\)>, which is not in this app's EXTENSIONS"
    ):
        await app.startup()
