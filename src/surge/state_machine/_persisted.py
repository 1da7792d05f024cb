"""A transition whose state lives on a model column: one transaction, serialised per entity.

The entity is loaded (``FOR UPDATE`` on PostgreSQL), the step checked, the state moved by a
compare-and-set ``UPDATE``, the history row added and the step method run, all in one
transaction: it commits only when the step method answers below 400, so a failing step leaves
the state where it was. The session is the request's current one for its database while the
transaction runs, so ``Model.query()`` in ``context_loader`` and the step method joins it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from surge.database.sql._current import reset_current, set_current
from surge.http.request import Request
from surge.http.response import Response
from surge.state_machine._store import StateStore
from surge.state_machine._types import TransitionHost
from surge.state_machine.errors import TransitionNotAllowed

__all__ = ["run_persisted"]


async def run_persisted(host: TransitionHost, store: StateStore, req: Request, transition_request: dict[str, Any]) -> Response:
    """Run the transition ``transition_request`` asks for on ``store``'s model.

    Raises:
        TransitionNotAllowed: the step is not allowed from the entity's state, or another
            request moved the entity first (409, with the steps allowed now).
    """
    step: Enum = transition_request["step"]
    async with store.db.create_session() as session:
        token = set_current(store.db.db_names, session)
        try:
            current, context = await host.context_loader(req, transition_request)
            current = host.as_state(current)
            transition_request["current_state"] = current
            target = host.next_state(current, step)
            pk = store.identity(context)
            if pk is None:
                pk = store.primary_key(host.entity_id(transition_request))
            if not await store.compare_and_set(session, pk, current, target):
                await _conflict(host, store, session, pk, step)
            await store.record(session, host.configs_name, pk, step, (current, target), host.actor(req))
            response = await host.step_methods_map[step](req, transition_request, context, target)
            if response is not None and response.status_code >= 400:
                await session.rollback()
            else:
                await session.commit()
            return host.finish(req, response, step, current, target)
        finally:
            reset_current(token)


async def _conflict(host: TransitionHost, store: StateStore, session: Any, pk: object, step: Enum) -> None:
    """Raise the 409 of a transition another request won, naming the state it left."""
    now = await store.current(session, pk)
    await session.rollback()
    if now is None:
        raise TransitionNotAllowed(f"The entity {pk!r} no longer exists", step.name, [])
    allowed = [allowed.name for allowed in host.allowed_steps(now)]
    raise TransitionNotAllowed(
        f"Step {step.name} is not allowed from state {now.name} (changed by another request)",
        step.name,
        allowed,
        now.name,
    )
