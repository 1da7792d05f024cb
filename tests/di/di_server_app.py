"""An app served by real servers in test_runtime_servers.py: request-scoped values on ``self``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from surge import BaseConfig, Inject, Request, Surge
from surge.controller import Controller, get, path


class Caller:
    def __init__(self, name: str) -> None:
        self.name = name


class Audit:
    def __init__(self, caller: Caller) -> None:
        self.caller = caller


def caller(name: str = "anonymous") -> Caller:
    return Caller(name)


async def audit(who: Caller) -> AsyncIterator[Audit]:
    yield Audit(who)


@path("/who")
class WhoController(Controller):
    caller: Inject[Caller]
    audit: Inject[Audit]

    @get("")
    async def who(self, req: Request) -> dict[str, Any]:
        first = self.caller.name
        await asyncio.sleep(0.01)  # other requests are handled meanwhile
        return {"first": first, "then": self.caller.name, "audit": self.audit.caller.name}


class Config(BaseConfig):
    DEBUG: bool = False
    DEFAULT_LOGGER: dict = {"LEVEL": "WARNING"}


app = Surge(__name__, configs=Config)
app.add_dependency(caller)
app.add_dependency(audit)
app.register_controller(WhoController)
