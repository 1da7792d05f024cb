"""The transition endpoint: ``POST {API_URL}/transition`` with ``{"step": "NAME", "data": {...}}``.

The extension registers one subclass of :class:`StateMachineController` per machine, with the
request body model built at startup from ``TRANSITION_DATA`` (see :func:`build_controller`).
"""

from __future__ import annotations

import inspect
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, Field, JsonValue, create_model

from surge.auth import login_required
from surge.controller import Controller, Descriptor, open_api_docs, path, post
from surge.http.request import Request
from surge.http.response import Response
from surge.state_machine._types import Machine

__all__ = [
    "StateMachineController",
    "TransitionInfo",
    "TransitionRequestData",
    "TransitionResult",
    "body_model",
    "build_controller",
]


class TransitionRequestData(BaseModel):
    """The transition request: the step to take and optional data for it.

    Subclass it (and set ``TRANSITION_DATA``) to carry more fields, e.g. the entity's id.
    """

    step: Enum = Field(description="Step to perform (the member name of the steps enum)")
    data: dict[str, Any] | None = Field(None, description="Additional data for the transition")


class TransitionInfo(BaseModel):
    """What a transition did."""

    step: str = Field(description="The step taken")
    from_state: str = Field(description="The state before the step")
    to_state: str = Field(description="The state after the step")


class TransitionResult(BaseModel):
    """The body answered when a step method returns nothing."""

    status: str = Field(description='"success"')
    message: str
    data: TransitionInfo


class StateMachineController(Controller):
    """Serves the transitions of ``state_machine`` (set on the subclass the extension registers)."""

    state_machine: ClassVar[Machine]

    async def transition_state(self, req: Request, body: BaseModel) -> Response:
        """Take the requested step from the entity's current state."""
        return await self.state_machine.run_transition(req, body)


def body_model(machine_name: str, base: type[BaseModel], steps: type[Enum]) -> type[BaseModel]:
    """``base`` with ``step`` as a plain string: an unknown step is answered with 409 and the
    steps allowed, not with a validation error; the document lists the step names."""
    names: list[JsonValue] = list(steps.__members__)
    step_field = Field(description="Step to perform", json_schema_extra={"enum": names})
    return create_model(f"{machine_name}TransitionRequest", __base__=base, step=(str, step_field))


def _responses(machine: Machine) -> list[Descriptor]:
    described = [
        Descriptor(status=200, description="The step was taken", body=machine.response_model),
        Descriptor(status=403, description="The state machine's has_permission refused the request"),
        Descriptor(status=409, description="Unknown step, or a step not allowed from the current state"),
    ]
    if machine.persists:
        described.append(Descriptor(status=404, description="No entity with this id"))
        described.append(Descriptor(status=400, description="The entity id is missing"))
    return described


def build_controller(machine: Machine, name: str, url: str, *, use_auth: bool, open_api: bool) -> type[Controller]:
    """The controller class serving ``machine`` at ``url``, built once at startup."""
    body = body_model(name, machine.transition_request_data, machine.steps)

    async def transition_state(self: StateMachineController, req: Request, body: BaseModel) -> Response:
        return await self.state_machine.run_transition(req, body)

    transition_state.__doc__ = StateMachineController.transition_state.__doc__
    transition_state.__annotations__ = {"req": Request, "body": body, "return": Response}
    P = inspect.Parameter
    transition_state.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            P("self", P.POSITIONAL_OR_KEYWORD),
            P("req", P.POSITIONAL_OR_KEYWORD, annotation=Request),
            P("body", P.POSITIONAL_OR_KEYWORD, annotation=body),
        ],
        return_annotation=Response,
    )
    endpoint: Any = open_api_docs(*_responses(machine))(post("/transition", open_api_spec=open_api)(transition_state))
    if use_auth:
        endpoint = login_required(endpoint)
    namespace = {"transition_state": endpoint, "state_machine": machine, "__module__": __name__}
    controller = type(f"{name}Controller", (StateMachineController,), namespace)
    return path(url, open_api_spec=open_api, tags=[name])(controller)
