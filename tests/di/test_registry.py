"""Overrides: tests replace any provider without touching the app code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from surge import Depends, Inject, Request
from surge.controller import Controller, get, path
from surge.di import provider
from surge.testing import TestClient

from surge_testkit import make_app

CLOSED: list[str] = []


class Mailer:
    name = "smtp"


class FakeMailer(Mailer):
    name = "fake"


class Clock:
    def __init__(self, now: str) -> None:
        self.now = now


@provider(scope="app")
async def smtp_mailer() -> AsyncIterator[Mailer]:
    yield Mailer()
    CLOSED.append("smtp")


def real_clock() -> Clock:
    return Clock("real time")


def greeting(clock: Clock) -> str:
    return f"it is {clock.now}"


@path("/o")
class OverrideController(Controller):
    mailer: Inject[Mailer]

    @get("/mailer")
    async def which_mailer(self, req: Request, mailer: Mailer) -> dict[str, Any]:
        return {"param": mailer.name, "attr": self.mailer.name}

    @get("/greeting")
    async def greet(self, req: Request, text: Annotated[str, Depends(greeting)]) -> dict[str, Any]:
        return {"text": text}


def build() -> Any:
    app = make_app(OverrideController)
    app.add_dependency(smtp_mailer)
    app.add_dependency(real_clock)
    return app


def fake_clock() -> Clock:
    return Clock("test time")


async def test_overrides_set_before_startup_replace_the_provider() -> None:
    app = build()
    app.dependency_overrides[real_clock] = fake_clock
    async with TestClient(app) as client:
        assert (await client.get("/o/greeting")).json() == {"text": "it is test time"}


async def test_override_by_type_replaces_whatever_provides_it() -> None:
    app = build()
    app.dependency_overrides[Mailer] = FakeMailer
    async with TestClient(app) as client:
        assert (await client.get("/o/mailer")).json() == {"param": "fake", "attr": "fake"}


async def test_testclient_argument_applies_overrides_and_restores_them() -> None:
    app = build()
    async with TestClient(app, dependency_overrides={real_clock: fake_clock, smtp_mailer: FakeMailer}) as client:
        assert (await client.get("/o/greeting")).json() == {"text": "it is test time"}
        assert (await client.get("/o/mailer")).json() == {"param": "fake", "attr": "fake"}
    assert dict(app.dependency_overrides) == {}
    async with TestClient(app) as client:
        assert (await client.get("/o/greeting")).json() == {"text": "it is real time"}
        assert (await client.get("/o/mailer")).json() == {"param": "smtp", "attr": "smtp"}


async def test_overrides_changed_while_running_apply_to_the_next_request() -> None:
    app = build()
    async with TestClient(app) as client:
        assert (await client.get("/o/greeting")).json() == {"text": "it is real time"}
        app.dependency_overrides[real_clock] = fake_clock
        assert (await client.get("/o/greeting")).json() == {"text": "it is test time"}
        app.dependency_overrides.clear()
        assert (await client.get("/o/greeting")).json() == {"text": "it is real time"}


async def test_an_overridden_app_value_created_while_running_is_closed_at_shutdown() -> None:
    CLOSED.clear()

    @provider(scope="app")
    async def other_mailer() -> AsyncIterator[Mailer]:
        yield FakeMailer()
        CLOSED.append("other")

    app = build()
    async with TestClient(app) as client:
        assert (await client.get("/o/mailer")).json()["param"] == "smtp"
        app.dependency_overrides[smtp_mailer] = other_mailer
        assert (await client.get("/o/mailer")).json() == {"param": "fake", "attr": "fake"}
    assert sorted(CLOSED) == ["other", "smtp"]


async def test_overrides_rebound_while_stopped_apply_at_the_next_start() -> None:
    app = build()
    async with TestClient(app) as client:
        assert (await client.get("/o/greeting")).json() == {"text": "it is real time"}
    app.dependency_overrides = {real_clock: fake_clock}  # a plain dict, FastAPI style
    async with TestClient(app) as client:
        assert (await client.get("/o/greeting")).json() == {"text": "it is test time"}
