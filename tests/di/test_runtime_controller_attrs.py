"""``Inject[...]`` controller attributes: ``self.repo`` is the current request's value."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest

from surge import Depends, Inject, Request
from surge.controller import Controller, before_request, get, path
from surge.di import provider
from surge.testing import TestClient

from surge_testkit import make_app


class Settings:
    def __init__(self) -> None:
        self.greeting = "hello"


class RequestContext:
    def __init__(self, caller: str) -> None:
        self.caller = caller


class Repo:
    def __init__(self, ctx: RequestContext, settings: Settings) -> None:
        self.ctx = ctx
        self.settings = settings


@provider(scope="app")
def make_settings() -> Settings:
    return Settings()


def make_context(caller: str = "nobody") -> RequestContext:
    """Request-scoped; ``caller`` comes from the query string."""
    return RequestContext(caller)


async def make_repo(ctx: RequestContext, settings: Settings) -> AsyncIterator[Repo]:
    yield Repo(ctx, settings)


def make_label() -> str:
    return "explicit provider"


@path("/attrs")
class AttrsController(Controller):
    settings: Inject[Settings]
    ctx: Inject[RequestContext]
    repo: Inject[Repo]
    label: Inject[str] = Depends(make_label)

    @get("/whoami")
    async def whoami(self, req: Request, ctx: RequestContext) -> dict[str, Any]:
        caller = self.ctx.caller
        for _ in range(5):  # let the other concurrent requests run in between
            await asyncio.sleep(0)
        return {
            "caller": self.ctx.caller,
            "before_sleep": caller,
            "same_as_param": ctx is self.ctx,
            "repo_shares_ctx": self.repo.ctx is self.ctx,
            "label": self.label,
            "greeting": self.settings.greeting,
        }

    @get("/thread")
    def in_thread(self, req: Request) -> dict[str, Any]:
        return {"caller": self.ctx.caller, "thread": threading.current_thread() is not threading.main_thread()}

    def helper(self) -> str:
        return f"{self.ctx.caller}!"

    @get("/helper")
    async def uses_helper(self, req: Request) -> dict[str, Any]:
        return {"shout": self.helper()}


@path("/plain")
class PlainAttrs(Controller):
    """Only plain providers: the attributes need no teardown after the response."""

    ctx: Inject[RequestContext]

    @get("/whoami")
    async def whoami(self, req: Request) -> dict[str, Any]:
        caller = self.ctx.caller
        for _ in range(5):
            await asyncio.sleep(0)
        return {"caller": self.ctx.caller, "before_sleep": caller, "same_as_param": True, "repo_shares_ctx": True}


class ExplicitAnnotated(Controller):
    repo_label: Inject[Annotated[str, Depends(make_label)]]

    @get("/explicit")
    async def explicit(self, req: Request) -> dict[str, Any]:
        return {"label": self.repo_label}


@path("/base")
class BaseAttrs(Controller):
    ctx: Inject[RequestContext]


@path("/child")
class ChildAttrs(BaseAttrs):
    settings: Inject[Settings]

    @get("")
    async def both(self, req: Request) -> dict[str, Any]:
        return {"caller": self.ctx.caller, "greeting": self.settings.greeting}


@path("/hooked")
class HookedAttrs(Controller):
    ctx: Inject[RequestContext]

    @before_request
    async def peek(self, req: Request) -> None:
        try:
            req.state.peek = self.ctx.caller
        except RuntimeError as exc:
            req.state.peek = str(exc)

    @get("")
    async def handler(self, req: Request) -> dict[str, Any]:
        return {"peek": req.state.peek, "caller": self.ctx.caller}


def build() -> Any:
    app = make_app(AttrsController, PlainAttrs, ExplicitAnnotated, ChildAttrs, HookedAttrs)
    for func in (make_settings, make_context, make_repo):
        app.add_dependency(func)
    return app


async def test_attributes_are_the_current_request_values() -> None:
    async with TestClient(build()) as client:
        body = (await client.get("/attrs/whoami", params={"caller": "ada"})).json()
    assert body == {
        "caller": "ada",
        "before_sleep": "ada",
        "same_as_param": True,
        "repo_shares_ctx": True,
        "label": "explicit provider",
        "greeting": "hello",
    }


@pytest.mark.parametrize("url", ["/attrs/whoami", "/plain/whoami"])
async def test_hundred_concurrent_requests_each_see_their_own_values_on_self(url: str) -> None:
    async with TestClient(build()) as client:
        responses = await asyncio.gather(*(client.get(url, params={"caller": f"caller-{n}"}) for n in range(100)))
    for n, response in enumerate(responses):
        assert response.status_code == 200
        body = response.json()
        assert body["caller"] == body["before_sleep"] == f"caller-{n}"
        assert body["same_as_param"] and body["repo_shares_ctx"]


async def test_sync_handler_running_in_a_thread_reads_attributes() -> None:
    async with TestClient(build()) as client:
        body = (await client.get("/attrs/thread", params={"caller": "worker"})).json()
    assert body == {"caller": "worker", "thread": True}


async def test_other_methods_called_by_the_handler_read_attributes() -> None:
    async with TestClient(build()) as client:
        assert (await client.get("/attrs/helper", params={"caller": "bob"})).json() == {"shout": "bob!"}


async def test_annotated_provider_inside_inject() -> None:
    async with TestClient(build()) as client:
        assert (await client.get("/explicit")).json() == {"label": "explicit provider"}


async def test_inherited_attributes_are_injected_on_subclasses() -> None:
    async with TestClient(build()) as client:
        body = (await client.get("/child", params={"caller": "heir"})).json()
    assert body == {"caller": "heir", "greeting": "hello"}


async def test_before_request_hooks_run_before_injection() -> None:
    async with TestClient(build()) as client:
        body = (await client.get("/hooked", params={"caller": "x"})).json()
    assert body["caller"] == "x"
    assert "is injected per request" in body["peek"]


async def test_reading_outside_a_request_raises_and_app_values_stay_readable() -> None:
    app = build()
    async with TestClient(app) as client:
        await client.get("/attrs/whoami", params={"caller": "done"})
        controller = app.controllers["AttrsController"]
        with pytest.raises(RuntimeError, match=r"AttrsController\.ctx is injected per request"):
            _ = controller.ctx
        assert controller.settings.greeting == "hello"  # app-scoped: no request needed


async def test_assigning_an_injected_attribute_is_refused() -> None:
    app = build()
    async with TestClient(app):
        controller = app.controllers["AttrsController"]
        with pytest.raises(AttributeError, match="cannot be assigned"):
            controller.ctx = RequestContext("intruder")


async def test_two_apps_share_controller_classes_but_not_values() -> None:
    first, second = build(), build()
    second.dependency_overrides[make_context] = lambda: RequestContext("second app")
    async with TestClient(first) as one, TestClient(second) as two:
        a = (await one.get("/attrs/whoami", params={"caller": "first app"})).json()
        b = (await two.get("/attrs/whoami", params={"caller": "ignored"})).json()
    assert a["caller"] == "first app"
    assert b["caller"] == "second app"
