"""Every wiring mistake fails at startup, and the message names the whole chain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest

from surge import Depends, Inject, Request
from surge.controller import Controller, get, path
from surge.di import DependencyError, FromConfig, FromExtension, FromHeader, provider
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient
from surge.testing.client import LifespanFailed

from surge_testkit import make_app


class Database:
    pass


class Repo:
    pass


class Service:
    pass


class CurrentUser:
    pass


def make_repo(db: Database) -> Repo:
    return Repo()


def make_service(repo: Repo) -> Service:
    return Service()


@path("/missing")
class MissingController(Controller):
    @get("")
    async def handler(self, req: Request, service: Annotated[Service, Depends(make_service)]) -> None:
        return None


async def test_missing_provider_names_the_chain() -> None:
    app = make_app(MissingController)
    app.add_dependency(make_repo)
    with pytest.raises(DependencyError) as caught:
        await app.startup()
    message = str(caught.value)
    assert message.startswith("No provider for Database")
    assert "MissingController.handler(service) -> make_service(repo) -> make_repo(db) -> Database" in message
    assert caught.value.chain[-1] == "Database"
    assert isinstance(caught.value, ImproperlyConfigured)


async def test_startup_failure_reaches_the_test_client_as_lifespan_failed() -> None:
    app = make_app(MissingController)
    app.add_dependency(make_repo)
    with pytest.raises(LifespanFailed, match=r"make_repo\(db\) -> Database"):
        async with TestClient(app):
            pass


def cycle_a(b: Annotated[str, Depends(cycle_b)]) -> str:  # resolved at startup: a forward reference
    return b


def cycle_b(a: Annotated[str, Depends(cycle_a)]) -> str:
    return a


@path("/cycle")
class CycleController(Controller):
    @get("")
    async def handler(self, req: Request, value: Annotated[str, Depends(cycle_a)]) -> None:
        return None


async def test_cycle_names_the_loop() -> None:
    app = make_app(CycleController)
    with pytest.raises(DependencyError, match=r"^Dependency cycle: ") as caught:
        await app.startup()
    assert caught.value.chain == [
        "CycleController.handler(value)",
        "cycle_a(b)",
        "cycle_b(a)",
        "cycle_a",
    ]


@provider(scope="app")
def app_service(repo: Repo) -> Service:
    return Service()


def request_repo() -> Repo:
    return Repo()


@path("/scope")
class ScopeController(Controller):
    @get("")
    async def handler(self, req: Request, service: Service) -> None:
        return None


async def test_app_scoped_provider_cannot_take_a_request_scoped_value() -> None:
    app = make_app(ScopeController)
    app.add_dependency(app_service)
    app.add_dependency(request_repo)
    with pytest.raises(DependencyError) as caught:
        await app.startup()
    assert str(caught.value) == (
        "App-scoped provider app_service cannot depend on request-scoped request_repo: "
        "ScopeController.handler(service) -> app_service(repo) -> request_repo"
    )


@provider(scope="app")
def user_aware(req: Request) -> Service:
    return Service()


@provider(scope="app")
def header_aware(token: Annotated[str, FromHeader("x-token")]) -> Service:
    return Service()


@provider(scope="app")
def query_aware(page: int = 1) -> Service:
    return Service()


@pytest.mark.parametrize(
    ("bad", "what"),
    [
        (user_aware, "the Request"),
        (header_aware, "the request header 'x-token'"),
        (query_aware, "the query parameter 'page'"),
    ],
)
async def test_app_scoped_provider_cannot_read_request_data(bad: Any, what: str) -> None:
    app = make_app(ScopeController)
    app.add_dependency(bad)
    with pytest.raises(DependencyError, match=f"App-scoped provider {bad.__name__} cannot depend on {what}"):
        await app.startup()


def needs_session(session: Annotated[Any, FromExtension("session")]) -> Repo:
    return Repo()


@path("/ext")
class ExtensionController(Controller):
    @get("")
    async def handler(self, req: Request, repo: Repo) -> None:
        return None


async def test_extension_value_without_the_extension_decorator() -> None:
    app = make_app(ExtensionController)
    app.add_dependency(needs_session)
    with pytest.raises(DependencyError, match=r"'session' is provided by an extension decorator") as caught:
        await app.startup()
    assert caught.value.chain == ["ExtensionController.handler(repo)", "needs_session(session)"]


def configured(url: Annotated[str, FromConfig("SERVICE_URL")], retries: Annotated[int, FromConfig("RETRIES")]) -> Service:
    return Service()


@path("/conf")
class ConfigController(Controller):
    @get("")
    async def handler(self, req: Request, service: Service) -> None:
        return None


async def test_missing_config_key() -> None:
    app = make_app(ConfigController, RETRIES=3)
    app.add_dependency(configured)
    with pytest.raises(DependencyError, match=r"Config key 'SERVICE_URL' is not set: .*configured\(url\)"):
        await app.startup()


async def test_invalid_config_value() -> None:
    app = make_app(ConfigController, SERVICE_URL="http://x", RETRIES="many")
    app.add_dependency(configured)
    with pytest.raises(DependencyError, match=r"Config key 'RETRIES' is invalid .*configured\(retries\)"):
        await app.startup()


async def test_unused_registered_provider_is_checked_too() -> None:
    app = make_app()
    app.add_dependency(make_repo)
    with pytest.raises(DependencyError, match=r"No provider for Database.*: make_repo\(db\) -> Database"):
        await app.startup()


@path("/attr")
class AttrController(Controller):
    repo: Inject[Repo]

    @get("")
    async def handler(self, req: Request) -> None:
        return None


async def test_missing_provider_of_a_controller_attribute() -> None:
    app = make_app(AttrController)
    with pytest.raises(DependencyError, match=r"No provider for Repo .*: AttrController\.repo -> Repo"):
        await app.startup()


def untyped():  # type: ignore[no-untyped-def]
    return 1


def other_repo() -> Repo:
    return Repo()


def test_registration_errors_are_immediate() -> None:
    app = make_app()
    with pytest.raises(ImproperlyConfigured, match="cannot tell which type it provides"):
        app.add_dependency(untyped)
    app.add_dependency(request_repo)
    with pytest.raises(ImproperlyConfigured, match="Repo is provided by both request_repo and other_repo"):
        app.add_dependency(other_repo)
    with pytest.raises(ValueError, match="unknown scope 'forever'"):
        provider(scope="forever")


async def test_registration_after_start_is_refused() -> None:
    app = make_app()
    async with TestClient(app):
        with pytest.raises(RuntimeError, match="after the application has started"):
            app.add_dependency(request_repo)


async def scoped_gen() -> AsyncIterator[Repo]:
    if False:  # pragma: no cover - a generator that never yields
        yield Repo()


@path("/noyield")
class NoYieldController(Controller):
    @get("")
    async def handler(self, req: Request, repo: Annotated[Repo, Depends(scoped_gen)]) -> None:
        return None


async def test_generator_provider_that_never_yields_is_a_clear_500() -> None:
    app = make_app(NoYieldController, DEBUG=True)
    async with TestClient(app) as client:
        with pytest.raises(RuntimeError, match="Dependency provider scoped_gen did not yield a value"):
            await client.get("/noyield")
