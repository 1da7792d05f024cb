"""The state machine's errors: what a client sees (409, 403) and what fails at startup."""

from __future__ import annotations

from collections.abc import Sequence

from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import Conflict, Forbidden

__all__ = ["StateMachineConfigError", "TransitionForbidden", "TransitionNotAllowed"]


class TransitionNotAllowed(Conflict):
    """409: the step is unknown, or not allowed from the entity's current state.

    ``data`` carries ``step``, ``current_state`` (when known) and ``allowed_steps``, so a client
    can offer the right choices.
    """

    def __init__(self, message: str, step: str, allowed_steps: Sequence[str], current_state: str | None = None) -> None:
        data: dict[str, object] = {"step": step, "allowed_steps": list(allowed_steps)}
        if current_state is not None:
            data["current_state"] = current_state
        super().__init__(message, data=data)


class TransitionForbidden(Forbidden):
    """403: ``has_permission`` refused the request."""

    default_message = "Not allowed to change the state"


class StateMachineConfigError(ImproperlyConfigured):
    """A state machine's definition is wrong (a step without a method, two methods for a step, ...)."""
