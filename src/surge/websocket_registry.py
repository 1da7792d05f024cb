"""``app.websockets``: push messages to connected websockets from anywhere in the app.

Every websocket the app accepts is registered under a client id (``app.websockets.client_id(req)``
inside the handler) until it disconnects. Any code can then ``await app.websockets.send(client_id,
message)``, ``broadcast(message, group="room")`` to the members of a group (or to every socket),
``join`` / ``leave`` groups; code running in a thread uses ``send_threadsafe`` /
``broadcast_threadsafe``. A message is a text frame (``str``), a binary frame (``bytes``) or
JSON (anything else). A push to a client that is gone is dropped: sockets come and go, and
the sender cannot do anything about it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import TYPE_CHECKING, Any

from surge.http.json_codec import dumps
from surge.websocket_fanout import Envelope, FanoutBackend, InProcessFanout

if TYPE_CHECKING:
    from loguru import Logger

    from surge.types import Scope, Send

__all__ = ["CLIENT_ID_KEY", "WebsocketRegistry"]

CLIENT_ID_KEY = "surge.websocket_client_id"
"""Scope key of a registered websocket's client id."""


def _envelope(op: Any, message: object, *, client_id: str | None = None, group: str | None = None) -> Envelope:
    if isinstance(message, str):
        return Envelope(op, client_id, group, text=message)
    if isinstance(message, bytes | bytearray | memoryview):
        return Envelope(op, client_id, group, data=bytes(message))
    return Envelope(op, client_id, group, text=dumps(message).decode())


class WebsocketRegistry:
    """The websockets connected to this process, their groups, and the fan-out to the others."""

    def __init__(self, logger: Logger, backend: FanoutBackend | None = None) -> None:
        self.logger = logger
        self._backend: FanoutBackend = backend or InProcessFanout()
        self._sockets: dict[str, Send] = {}
        self._groups: dict[str, set[str]] = {}
        self._memberships: dict[str, set[str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- setup ----------------------------------------------------------------------------------
    @property
    def backend(self) -> FanoutBackend:
        """The fan-out backend (:class:`InProcessFanout` unless one was set)."""
        return self._backend

    def use_backend(self, backend: FanoutBackend) -> None:
        """Carry pushes through ``backend`` (an extension calls this before the app starts).

        Raises:
            RuntimeError: the registry has started.
        """
        if self._loop is not None:
            raise RuntimeError("Set the websocket fan-out backend before the application starts")
        self._backend = backend

    async def start(self) -> None:
        """Start the backend and remember the event loop for the thread-safe calls (app startup)."""
        await self._backend.start(self._deliver)
        self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        """Stop the backend (app shutdown); sockets still open stay registered until they close."""
        self._loop = None
        await self._backend.stop()

    # -- connections (the websocket server calls these) ----------------------------------------
    def attach(self, client_id: str, scope: Scope, send: Send) -> None:
        """Register an accepted socket under ``client_id``."""
        scope[CLIENT_ID_KEY] = client_id
        self._sockets[client_id] = send

    def detach(self, client_id: str) -> None:
        """Forget a socket that closed, and its group memberships."""
        self._sockets.pop(client_id, None)
        for group in self._memberships.pop(client_id, ()):
            members = self._groups.get(group)
            if members is not None:
                members.discard(client_id)
                if not members:
                    del self._groups[group]

    @staticmethod
    def client_id(connection: Any) -> str | None:
        """The client id of a websocket request (None before it is accepted, or for HTTP)."""
        scope: Scope = connection.scope
        return scope.get(CLIENT_ID_KEY)

    @property
    def clients(self) -> frozenset[str]:
        """Client ids of the sockets connected to this process."""
        return frozenset(self._sockets)

    def members(self, group: str) -> frozenset[str]:
        """Client ids in ``group`` connected to this process."""
        return frozenset(self._groups.get(group, ()))

    def groups_of(self, client_id: str) -> frozenset[str]:
        """The groups ``client_id`` (connected to this process) belongs to."""
        return frozenset(self._memberships.get(client_id, ()))

    # -- pushing --------------------------------------------------------------------------------
    async def send(self, client_id: str, message: object) -> None:
        """Send ``message`` to one client, wherever it is connected (dropped if it is gone)."""
        envelope = _envelope("send", message, client_id=client_id)
        if client_id in self._sockets:  # PERF: a local socket needs no trip through the backend
            await self._deliver(envelope)
        else:
            await self._backend.publish(envelope)

    async def broadcast(self, message: object, group: str | None = None) -> None:
        """Send ``message`` to every member of ``group``, or to every socket when ``group`` is None."""
        await self._backend.publish(_envelope("broadcast", message, group=group))

    async def join(self, client_id: str, group: str) -> None:
        """Put ``client_id`` in ``group`` (a client may be in several groups)."""
        envelope = Envelope("join", client_id, group)
        if client_id in self._sockets:
            await self._deliver(envelope)
        else:
            await self._backend.publish(envelope)

    async def leave(self, client_id: str, group: str) -> None:
        """Take ``client_id`` out of ``group``."""
        envelope = Envelope("leave", client_id, group)
        if client_id in self._sockets:
            await self._deliver(envelope)
        else:
            await self._backend.publish(envelope)

    def send_threadsafe(self, client_id: str, message: object) -> concurrent.futures.Future[None]:
        """:meth:`send` from a thread that is not the event loop's; ``.result()`` waits for it.

        Raises:
            RuntimeError: the app has not started.
        """
        loop = self._running_loop()  # before the coroutine exists: a refused call leaves none un-awaited
        return asyncio.run_coroutine_threadsafe(self.send(client_id, message), loop)

    def broadcast_threadsafe(self, message: object, group: str | None = None) -> concurrent.futures.Future[None]:
        """:meth:`broadcast` from a thread that is not the event loop's."""
        loop = self._running_loop()
        return asyncio.run_coroutine_threadsafe(self.broadcast(message, group), loop)

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is None or loop.is_closed():
            raise RuntimeError("app.websockets needs a started application")
        return loop

    # -- delivery: what every process does with an envelope --------------------------------------
    async def _deliver(self, envelope: Envelope) -> None:
        op = envelope.op
        if op == "send":
            if envelope.client_id is not None:
                await self._push(envelope.client_id, envelope)
        elif op == "broadcast":
            targets = self._sockets if envelope.group is None else self._groups.get(envelope.group, ())
            await asyncio.gather(*(self._push(client_id, envelope) for client_id in tuple(targets)))
        elif envelope.client_id in self._sockets and envelope.group is not None:
            client_id, group = envelope.client_id, envelope.group
            if op == "join":
                self._groups.setdefault(group, set()).add(client_id)
                self._memberships.setdefault(client_id, set()).add(group)
            else:
                self._memberships.get(client_id, set()).discard(group)
                members = self._groups.get(group)
                if members is not None:
                    members.discard(client_id)
                    if not members:
                        del self._groups[group]

    async def _push(self, client_id: str, envelope: Envelope) -> None:
        send = self._sockets.get(client_id)
        if send is None:
            return
        message: dict[str, Any] = {"type": "websocket.send"}
        if envelope.data is not None:
            message["bytes"] = envelope.data
        else:
            message["text"] = envelope.text
        try:
            await send(message)
        except Exception as exc:  # the socket closed under us: it is gone, not an error of the sender
            self.logger.debug(f"Websocket {client_id} is gone ({type(exc).__name__}); message dropped")
            self.detach(client_id)
