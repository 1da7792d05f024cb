"""The pipeline steps behind ``@nosqldb.managed_database`` and ``@nosqldb.readonly_database``.

Like every Surge extension decorator they never wrap the handler; they attach a step to its
endpoint spec, compiled into the endpoint's pipeline at startup.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from surge.controller.spec import CallNext

if TYPE_CHECKING:
    from surge.controller.context import CompileContext
    from surge.database.nosql.backends.base import AsyncNoSqlBackendBase
    from surge.http.request import Request
    from surge.types import HandlerKwargs

__all__ = ["DatabaseSource", "DatabaseStep"]


class DatabaseSource(Protocol):
    """What the step needs of ``NoSqlDatabase``, so this module does not import the extension."""

    @property
    def inject_name(self) -> str:
        """The handler argument that receives the database (``DB_INJECT_NAME``)."""
        ...

    @property
    def session_name(self) -> str:
        """The handler argument that receives the session (``SESSION_NAME``)."""
        ...

    @property
    def backend(self) -> AsyncNoSqlBackendBase:
        """The configured backend."""
        ...


class DatabaseStep:
    """Inject the database (``DB_INJECT_NAME``) and a session (``SESSION_NAME``).

    With ``transactional`` and a backend that supports transactions, the rest of the pipeline
    runs inside ``backend.with_transaction``: committed when the handler returns, rolled back
    when it raises. Otherwise the session is None and each call stands alone.
    """

    __slots__ = ("_db", "_func", "_transactional")

    def __init__(self, db: DatabaseSource, func: Callable[..., Any], transactional: bool) -> None:
        self._db = db
        self._func = func
        self._transactional = transactional

    @property
    def provides(self) -> tuple[str, ...]:
        """The handler arguments this step fills (read at startup)."""
        return (self._db.inject_name, self._db.session_name)

    def _accepted(self, name: str) -> bool:
        parameters = inspect.signature(self._func).parameters
        return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """The step's per-request callable (built once, at startup).

        Raises:
            ImproperlyConfigured: the NoSqlDatabase is not an extension of this app.
        """
        db = self._db
        ctx.require_extension(db, self._func.__qualname__)
        db_name = db.inject_name if self._accepted(db.inject_name) else None
        session_name = db.session_name if self._accepted(db.session_name) else None
        transactional = self._transactional

        async def run(req: Request, kwargs: HandlerKwargs, session: object) -> Any:
            if session_name is not None:
                kwargs[session_name] = session
            return await call_next(req, kwargs)

        async def step(req: Request, kwargs: HandlerKwargs) -> Any:
            if db_name is not None:
                kwargs[db_name] = db
            backend = db.backend
            if not (transactional and backend.supports_transactions()):
                return await run(req, kwargs, None)
            session = await backend.start_session()
            if session is None:
                return await run(req, kwargs, None)
            try:
                return await backend.with_transaction(lambda session: run(req, kwargs, session), session=session)
            finally:
                ended = getattr(session, "end_session", None)
                if ended is not None:
                    result = ended()
                    if inspect.isawaitable(result):
                        await result

        return step
