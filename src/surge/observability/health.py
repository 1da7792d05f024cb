"""Liveness and readiness probes, and the middleware that answers the observability endpoints.

Liveness says the process serves requests. Readiness pings every extension that has a
backend (the :class:`~surge.roles.ReadinessProbe` role), concurrently, each with a timeout:
an orchestrator then sends traffic only to an instance whose database, cache and stores answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from surge.exceptions.http import BaseHttpException
from surge.http.status import HttpStatus
from surge.middleware.base import MiddlewareBase
from surge.roles import ReadinessProbe

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response
    from surge.types import AppContext

__all__ = ["Endpoint", "NotReady", "ProbeEndpoints", "Readiness", "liveness", "readiness_probes"]

Endpoint = Callable[["Request"], Awaitable["Response"]]
"""What serves one observability path."""

_RETRY_AFTER_SECONDS = "5"


class NotReady(BaseHttpException):
    """503 from the readiness probe; ``data["failing"]`` maps each failing extension to why."""

    status_code = HttpStatus.SERVICE_UNAVAILABLE
    default_message = "Not ready"


async def liveness(req: Request) -> Response:
    """200 while the process serves: it checks nothing else, so a slow database never restarts it."""
    return req.app.response_class(req).json({"status": "ok"})


def readiness_probes(extensions: Mapping[str, object]) -> dict[str, ReadinessProbe]:
    """The extensions of an app that take the readiness role, by the name they registered under."""
    probes: dict[str, ReadinessProbe] = {}
    seen: set[int] = set()
    for name, extension in extensions.items():
        if isinstance(extension, ReadinessProbe) and id(extension) not in seen:
            seen.add(id(extension))
            probes[name] = extension
    return probes


class Readiness:
    """The readiness endpoint: every probe pinged at once; 503 naming the ones that failed."""

    def __init__(self, app: AppContext, timeout: float) -> None:
        self.app = app
        self.timeout = timeout
        self.probes: dict[str, ReadinessProbe] = {}

    def collect(self) -> None:
        """Find the probes; runs at startup, once every extension is registered."""
        self.probes = readiness_probes(self.app.extensions)

    async def _check(self, name: str, probe: ReadinessProbe) -> str | None:
        try:
            async with asyncio.timeout(self.timeout):
                await probe.check_ready()
        except TimeoutError:
            reason = f"no answer within {self.timeout:g}s"
        except Exception as exc:
            reason = type(exc).__name__
            self.app.logger.warning(f"Readiness: {name} failed its ping: {exc!r}")
        else:
            return None
        return reason

    async def __call__(self, req: Request) -> Response:
        """200 ``{"status": "ready", "checks": {...}}``, or :class:`NotReady` (503 with Retry-After).

        Raises:
            NotReady: at least one backend did not answer; the message names the extensions.
        """
        names = list(self.probes)
        reasons = await asyncio.gather(*(self._check(name, self.probes[name]) for name in names))
        failing = {name: reason for name, reason in zip(names, reasons, strict=True) if reason is not None}
        if failing:
            raise NotReady(
                f"Not ready: {', '.join(failing)}",
                data={"failing": failing},
                headers={"Retry-After": _RETRY_AFTER_SECONDS},
            )
        return req.app.response_class(req).json({"status": "ready", "checks": dict.fromkeys(names, "ok")})


class ProbeEndpoints(MiddlewareBase):
    """Answers GET/HEAD on the observability paths before routing; passes everything else on.

    Served here rather than by a controller so probes skip the app's own middleware (sessions,
    auth) and stay out of the OpenAPI document; a request costs one dict lookup.
    """

    def __init__(self, app: AppContext, endpoints: Mapping[str, Endpoint]) -> None:
        super().__init__(app)
        self.endpoints = dict(endpoints)

    async def middleware(self, req: Request) -> Response:
        """The endpoint's response for a probe path, else the rest of the chain's."""
        scope = req.scope
        endpoint = self.endpoints.get(scope["path"])
        if endpoint is None or scope["method"] not in ("GET", "HEAD"):
            return await self.next(req)
        return await endpoint(req)
