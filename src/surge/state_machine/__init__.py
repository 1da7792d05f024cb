"""State machines: steps move an entity between states through one transition endpoint.

``StateMachine`` (subclassed, listed in ``EXTENSIONS``), ``@step_method``, the ``STATE_MACHINE``
config section (``StateMachineConfig``). See docs/state_machine.md.
"""

from surge.state_machine.config import StateMachineSettings
from surge.state_machine.errors import StateMachineConfigError, TransitionForbidden, TransitionNotAllowed
from surge.state_machine.state_machine import AsyncMethod, StateMachine, StateMachineConfig, step_method
from surge.state_machine.state_machine_controller import (
    StateMachineController,
    TransitionRequestData,
    TransitionResult,
)

__all__ = [
    "AsyncMethod",
    "StateMachine",
    "StateMachineConfig",
    "StateMachineConfigError",
    "StateMachineController",
    "StateMachineSettings",
    "TransitionForbidden",
    "TransitionNotAllowed",
    "TransitionRequestData",
    "TransitionResult",
    "step_method",
]
