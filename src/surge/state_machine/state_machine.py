"""The ``StateMachine`` extension: steps move an entity between states, one HTTP endpoint drives it.

Subclass it with the steps and states enums and the map ``{state: {step: next_state}}``, give
each step a method with ``@step_method(Steps.X)``, and list an instance in ``EXTENSIONS``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from surge.extension import BaseExtension, find_extension
from surge.http.request import Request
from surge.http.response import Response
from surge.state_machine.config import StateMachineConfig, StateMachineSettings
from surge.state_machine.errors import StateMachineConfigError, TransitionForbidden, TransitionNotAllowed
from surge.state_machine.state_machine_controller import TransitionResult, build_controller

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.state_machine._store import StateStore

__all__ = ["AsyncMethod", "StateMachine", "StateMachineConfig", "step_method"]

AsyncMethod = Callable[..., Awaitable[Response]]
"""A step method: ``async (req, transition_request, context, next_state) -> Response | None``."""

_Runner = Callable[[Any, Any, Request, dict[str, Any]], Awaitable[Response]]

_M = TypeVar("_M", bound=Callable[..., Awaitable[Any]])
_STEPS_MARK = "__state_machine_step__"


def step_method(*steps: Enum) -> Callable[[_M], _M]:
    """Make the decorated method the handler of ``steps`` (members of the machine's steps enum)."""
    if not steps or not all(isinstance(step, Enum) for step in steps):
        raise TypeError(f"@step_method takes members of the steps enum, got {steps!r}")

    def decorator(func: _M) -> _M:
        setattr(func, _STEPS_MARK, list(steps))
        return func

    return decorator


class StateMachine(BaseExtension[StateMachineSettings]):
    """Base class of state machines; ``has_permission`` and ``context_loader`` are the hooks to override.

    ``context_loader(req, transition_request)`` returns ``(current_state, context)``; with
    ``MODEL`` set, the default loads the entity whose id the request carries (``ID_FIELD``) and
    the state is then written on its column, serialised against concurrent transitions.
    """

    config_model = StateMachineSettings

    def __init__(
        self,
        steps: type[Enum],
        states: type[Enum],
        states_steps_map: Mapping[Any, Mapping[Any, Any]],
        configs_name: str = "STATE_MACHINE",
    ) -> None:
        super().__init__(configs_name)
        self._steps = steps
        self._states = states
        self._states_steps_map: dict[Any, dict[Any, Any]] = {state: dict(moves) for state, moves in states_steps_map.items()}
        self._step_methods_map: dict[Enum, AsyncMethod] = {}
        self._settings: StateMachineSettings | None = None
        self._store: StateStore | None = None
        self._run_persisted: _Runner | None = None

    # -- startup ------------------------------------------------------------------------------
    def configure(self, app: Surge, config: StateMachineSettings) -> None:
        """Check the map and the step methods, then register the transition endpoint."""
        self._settings = config
        self._check_map()
        self._step_methods_map = self._collect_step_methods()
        if config.MODEL is not None:
            self._store = self._build_store(app, config)
        elif type(self).context_loader is StateMachine.context_loader:
            raise StateMachineConfigError(
                f"{type(self).__name__}: override context_loader(req, transition_request), "
                f"or set {self.configs_name}.MODEL to keep the state on a model column"
            )
        name = type(self).__name__
        if self.configs_name != "STATE_MACHINE":  # two machines of one class: one controller each
            name += "".join(part.capitalize() for part in self.configs_name.split("_"))
        controller = build_controller(
            self, name, config.API_URL, use_auth=config.USE_AUTH, open_api=config.INCLUDE_OPEN_API
        )
        app.register_controller(controller)

    def _check_map(self) -> None:
        for state, moves in self._states_steps_map.items():
            if not isinstance(state, self._states):
                raise StateMachineConfigError(f"{type(self).__name__}: {state!r} in states_steps_map is not a {self._states.__name__}")
            for step, target in moves.items():
                if not isinstance(step, self._steps):
                    raise StateMachineConfigError(
                        f"{type(self).__name__}: {step!r} (from {state.name}) is not a {self._steps.__name__}"
                    )
                if not isinstance(target, self._states):
                    raise StateMachineConfigError(
                        f"{type(self).__name__}: {state.name} --{step.name}--> {target!r} is not a {self._states.__name__}"
                    )

    def _collect_step_methods(self) -> dict[Enum, AsyncMethod]:
        """Each step's method, found once; a step without one, or with two, fails here."""
        found: dict[Enum, str] = {}
        for name in dir(type(self)):
            marked = getattr(getattr(type(self), name, None), _STEPS_MARK, None)
            for step in marked or ():
                if not isinstance(step, self._steps):
                    raise StateMachineConfigError(f"{type(self).__name__}.{name}: {step!r} is not a {self._steps.__name__}")
                if step in found:
                    raise StateMachineConfigError(
                        f"{type(self).__name__}: two methods for step {step.name}: {found[step]} and {name}"
                    )
                found[step] = name
        missing = [step.name for step in self._steps if step not in found]
        if missing:
            raise StateMachineConfigError(
                f"{type(self).__name__}: no @step_method for step(s) {', '.join(missing)}"
            )
        return {step: getattr(self, name) for step, name in found.items()}

    def _build_store(self, app: Surge, config: StateMachineSettings) -> StateStore:
        from surge.database.sql import SqlDatabase
        from surge.state_machine._persisted import run_persisted
        from surge.state_machine._store import StateStore, history_table

        self._run_persisted = run_persisted  # bound once: the request path imports nothing

        db = find_extension(app, SqlDatabase, config.DATABASE)
        if db is None:
            key = f"{self.configs_name}.DATABASE"
            wanted = f"the SqlDatabase of section {config.DATABASE!r}" if config.DATABASE else "a SqlDatabase"
            raise StateMachineConfigError(f"{key}: {wanted} must be listed in EXTENSIONS before {type(self).__name__}")
        assert config.MODEL is not None
        history = history_table(config.HISTORY_TABLE) if config.HISTORY else None
        return StateStore(
            db, config.MODEL, config.STATE_COLUMN, self._states, section=self.configs_name, history=history
        )

    async def startup(self) -> None:
        """Create the history table when ``HISTORY`` is on."""
        if self._store is not None:
            await self._store.create_history_table()

    # -- what handlers and the controller read ------------------------------------------------
    @property
    def config(self) -> StateMachineSettings:
        """The validated config section."""
        if self._settings is None:
            raise RuntimeError(f"{self!r} is not initialized: list it in EXTENSIONS")
        return self._settings

    @property
    def configs(self) -> dict[str, Any]:
        """The config section as a dict (PyJolt's spelling)."""
        return self.config.model_dump()

    @property
    def states_steps_map(self) -> dict[Any, dict[Any, Any]]:
        """``{state: {step: next_state}}``."""
        return self._states_steps_map

    @property
    def steps(self) -> type[Enum]:
        """The steps enum."""
        return self._steps

    @property
    def states(self) -> type[Enum]:
        """The states enum."""
        return self._states

    @property
    def step_methods_map(self) -> dict[Enum, AsyncMethod]:
        """Step -> its bound step method."""
        return self._step_methods_map

    @property
    def transition_request_data(self) -> type[BaseModel]:
        """``TRANSITION_DATA``: the request model."""
        return self.config.TRANSITION_DATA

    @property
    def response_model(self) -> type[BaseModel]:
        """The documented body of a successful transition."""
        return self.config.RESPONSE_MODEL or TransitionResult

    @property
    def persists(self) -> bool:
        """True when the state is kept on ``MODEL``'s column."""
        return self._store is not None

    @property
    def history_table(self) -> Any:
        """The history ``sqlalchemy.Table`` (None unless ``HISTORY`` and ``MODEL`` are set)."""
        return None if self._store is None else self._store.history

    def get_next_state(self, current_state: Enum, step: Enum) -> Enum | None:
        """The state ``step`` leads to from ``current_state``; None when it is not allowed."""
        return self._states_steps_map.get(current_state, {}).get(step)

    def allowed_steps(self, current_state: Enum) -> list[Enum]:
        """The steps allowed from ``current_state``."""
        return list(self._states_steps_map.get(current_state, {}))

    # -- hooks --------------------------------------------------------------------------------
    async def has_permission(self, req: Request) -> bool:
        """May this request change states? Runs before ``context_loader``; False answers 403."""
        return True

    async def context_loader(self, req: Request, transition_request: dict[str, Any]) -> tuple[Enum, Any]:
        """``(current_state, context)`` for the transition; with ``MODEL``, the entity itself.

        Raises:
            BadRequest: the request carries no usable entity id. NotFound: no such entity.
        """
        store = self._store
        if store is None:  # configure() refuses a machine without MODEL that does not override this
            raise NotImplementedError(f"{type(self).__name__}.context_loader")
        entity = await store.load(store.current_session(), store.primary_key(self.entity_id(transition_request)))
        return store.from_column(getattr(entity, store.state_attr.key)), entity

    def actor(self, req: Request) -> str | None:
        """Who is taking the step, for the history: the user's ``id`` (an attribute, or the ``id``
        or ``sub`` key of a dict user such as JWT claims); None when nobody is logged in."""
        user = req.user
        if user is None:
            return None
        if isinstance(user, Mapping):
            found = user.get("id", user.get("sub"))
            return None if found is None else str(found)
        return str(getattr(user, "id", user))

    def entity_id(self, transition_request: Mapping[str, Any]) -> object:
        """The entity id the request carries: the ``ID_FIELD`` field, else that key of ``data``."""
        key = self.config.ID_FIELD
        if key in transition_request and key != "data":
            return transition_request[key]
        data = transition_request.get("data")
        return data.get(key) if isinstance(data, dict) else None

    # -- the transition -----------------------------------------------------------------------
    def _resolve_step(self, name: str) -> Enum:
        step = self._steps.__members__.get(name)
        if step is None:
            names = list(self._steps.__members__)
            raise TransitionNotAllowed(f"Step {name!r} does not exist", name, names)
        return step

    def next_state(self, current: Enum, step: Enum) -> Enum:
        """The state ``step`` leads to from ``current``.

        Raises:
            TransitionNotAllowed: the step is not allowed from ``current`` (409, with the allowed steps).
        """
        target = self.get_next_state(current, step)
        if target is None:
            allowed = [allowed.name for allowed in self.allowed_steps(current)]
            raise TransitionNotAllowed(
                f"Step {step.name} is not allowed from state {current.name}", step.name, allowed, current.name
            )
        return target

    def as_state(self, value: object) -> Enum:
        """``value`` (what ``context_loader`` returned) as a member of the states enum."""
        if isinstance(value, self._states):
            return value
        if self._store is not None:
            return self._store.from_column(value)
        return self._states(value)

    async def run_transition(self, req: Request, body: BaseModel) -> Response:
        """Take the step the request asks for: 409 if it is unknown or not allowed, 403 if
        ``has_permission`` refuses; the step method's response (or a summary) otherwise."""
        transition_request = body.model_dump()
        step = self._resolve_step(transition_request["step"])
        transition_request["step"] = step
        if not await self.has_permission(req):
            raise TransitionForbidden()
        if self._run_persisted is not None:
            return await self._run_persisted(self, self._store, req, transition_request)
        current, context = await self.context_loader(req, transition_request)
        current = self.as_state(current)
        transition_request["current_state"] = current
        target = self.next_state(current, step)
        response = await self._step_methods_map[step](req, transition_request, context, target)
        return self.finish(req, response, step, current, target)

    def finish(self, req: Request, response: Response | None, step: Enum, current: Enum, target: Enum) -> Response:
        """The step method's response, or the summary body when it returned None."""
        if response is not None:
            return response
        summary = {"step": step.name, "from_state": current.name, "to_state": target.name}
        message = f"{step.name}: {current.name} -> {target.name}"
        return req.response.json({"status": "success", "message": message, "data": summary}).status(200)
