"""What the transition endpoint needs of a state machine (it never imports the extension class)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from typing import Any, Protocol

from pydantic import BaseModel

from surge.http.request import Request
from surge.http.response import Response

__all__ = ["Machine", "TransitionHost"]


class Machine(Protocol):
    """The state machine as its controller sees it."""

    @property
    def steps(self) -> type[Enum]:
        """The steps enum."""
        ...

    @property
    def transition_request_data(self) -> type[BaseModel]:
        """``TRANSITION_DATA``: the request model."""
        ...

    @property
    def response_model(self) -> type[BaseModel]:
        """The documented body of a successful transition."""
        ...

    @property
    def persists(self) -> bool:
        """True when the state is kept on a model column (``MODEL``)."""
        ...

    async def run_transition(self, req: Request, body: BaseModel) -> Response:
        """Take the step ``body`` asks for and answer the request."""
        ...


class TransitionHost(Protocol):
    """The state machine as the persisted transition runner sees it."""

    configs_name: str

    @property
    def step_methods_map(self) -> Mapping[Enum, Callable[..., Awaitable[Response | None]]]:
        """Step -> its bound step method."""
        ...

    async def context_loader(self, req: Request, transition_request: dict[str, Any]) -> tuple[Enum, Any]:
        """``(current_state, context)``."""
        ...

    def as_state(self, value: object) -> Enum:
        """``value`` as a member of the states enum."""
        ...

    def next_state(self, current: Enum, step: Enum) -> Enum:
        """The state ``step`` leads to (raises the 409 when not allowed)."""
        ...

    def allowed_steps(self, current_state: Enum) -> list[Enum]:
        """The steps allowed from ``current_state``."""
        ...

    def actor(self, req: Request) -> str | None:
        """Who takes the step."""
        ...

    def entity_id(self, transition_request: Mapping[str, Any]) -> object:
        """The entity id the request carries."""
        ...

    def finish(self, req: Request, response: Response | None, step: Enum, current: Enum, target: Enum) -> Response:
        """The response of a transition taken."""
        ...
