"""Keeping a machine's state on a model column, one transition at a time.

Two mechanisms serialise concurrent transitions of one entity, so that of N requests for the
same step exactly one wins:

* the entity is read with ``SELECT ... FOR UPDATE`` (PostgreSQL; SQLite ignores it and locks
  the whole database on the first write), so a second request waits and then sees the new state;
* the state is written with a compare-and-set ``UPDATE ... SET state = :to WHERE id = :id AND
  state = :from``: a row count of 0 means another request moved the entity first (409).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, inspect, select, update
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.exc import DBAPIError, NoInspectionAvailable
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ColumnProperty, InstrumentedAttribute, Mapper

from surge.database.sql import SqlDatabase
from surge.database.sql._current import current_session
from surge.exceptions.http import BadRequest, NotFound
from surge.state_machine.errors import StateMachineConfigError

__all__ = ["StateStore", "history_table"]


def history_table(name: str) -> Table:
    """The transition history table: one row per transition taken."""
    return Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("machine", String(100), nullable=False),
        Column("entity_id", String(100), nullable=False, index=True),
        Column("step", String(100), nullable=False),
        Column("from_state", String(100), nullable=False),
        Column("to_state", String(100), nullable=False),
        Column("actor", String(255), nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )


def _mapper(model: type[Any], section: str) -> Mapper[Any]:
    try:
        mapper = inspect(model)
    except NoInspectionAvailable:
        raise StateMachineConfigError(f"{section}.MODEL: {model!r} is not a SQLAlchemy mapped class") from None
    if not isinstance(mapper, Mapper):
        raise StateMachineConfigError(f"{section}.MODEL: {model!r} is not a SQLAlchemy mapped class")
    return mapper


class StateStore:
    """Reads and writes the state column of ``model`` in ``db``; built (and checked) at startup."""

    def __init__(
        self,
        db: SqlDatabase,
        model: type[Any],
        column: str,
        states: type[Enum],
        *,
        section: str,
        history: Table | None,
    ) -> None:
        mapper = _mapper(model, section)
        attribute = getattr(model, column, None)
        if not isinstance(attribute, InstrumentedAttribute) or not isinstance(attribute.property, ColumnProperty):
            raise StateMachineConfigError(f"{section}.STATE_COLUMN: {model.__name__} has no column {column!r}")
        if len(mapper.primary_key) != 1:
            raise StateMachineConfigError(f"{section}.MODEL: {model.__name__} needs a single-column primary key")
        self.db = db
        self.model = model
        self.section = section
        self.states = states
        self.state_attr: InstrumentedAttribute[Any] = attribute
        self.pk_column = mapper.primary_key[0]
        self.pk_attr: InstrumentedAttribute[Any] = getattr(model, mapper.get_property_by_column(self.pk_column).key)
        column_type = attribute.property.columns[0].type
        # An sqlalchemy.Enum(States) column takes members; any other column holds the member's value.
        self._members = isinstance(column_type, SqlEnum) and column_type.enum_class is states
        try:
            self._pk_type: type | None = self.pk_column.type.python_type
        except NotImplementedError:
            self._pk_type = None
        self.history = history

    async def create_history_table(self) -> None:
        """Create the history table if it does not exist (at startup)."""
        if self.history is None:
            return
        table = self.history
        try:
            async with self.db.engine.begin() as connection:
                await connection.run_sync(lambda sync: table.create(sync, checkfirst=True))
        except DBAPIError:
            # Another worker process created it between the check and the CREATE: fine.
            async with self.db.engine.connect() as connection:
                exists = await connection.run_sync(lambda sync: inspect(sync).has_table(table.name))
            if not exists:
                raise

    # -- values -------------------------------------------------------------------------------
    def to_column(self, state: Enum) -> object:
        """The column value of ``state``."""
        return state if self._members else state.value

    def from_column(self, value: object) -> Enum:
        """The member of the state enum a column value stands for."""
        return value if isinstance(value, self.states) else self.states(value)

    def primary_key(self, raw: object) -> object:
        """``raw`` (from the request) as the primary key's type.

        Raises:
            BadRequest: it is missing or not of the key's type.
        """
        if raw is None:
            raise BadRequest("The entity id is missing")
        if self._pk_type is int:
            if isinstance(raw, int) and not isinstance(raw, bool):  # True is an int, not an id
                return raw
            if isinstance(raw, str) and raw.isdecimal() and len(raw) < 19:
                return int(raw)
            raise BadRequest(f"The entity id must be an integer, got {raw!r}")
        if self._pk_type is str:
            if isinstance(raw, (str, int)) and not isinstance(raw, bool):
                return str(raw)
            raise BadRequest(f"The entity id must be a string, got {raw!r}")
        return raw

    def identity(self, entity: object) -> object | None:
        """The primary key of ``entity`` when it is an instance of the model, else None."""
        if not isinstance(entity, self.model):
            return None
        return getattr(entity, self.pk_attr.key)

    def current_session(self) -> AsyncSession:
        """The session of the transition running in this request (opened by the runner)."""
        session = current_session(self.db.db_name)
        if session is None:
            raise RuntimeError(f"no transition of {self.model.__name__} is running in this request")
        return session

    # -- statements ---------------------------------------------------------------------------
    async def load(self, session: AsyncSession, pk: object) -> Any:
        """The entity, locked for this transaction (``FOR UPDATE``; a no-op on SQLite).

        Raises:
            NotFound: no entity has this id.
        """
        entity = await session.get(self.model, pk, with_for_update=True)
        if entity is None:
            raise NotFound(f"No {self.model.__name__} with id {pk!r}", data={"id": pk})
        return entity

    async def current(self, session: AsyncSession, pk: object) -> Enum | None:
        """The committed state of the entity (None: it no longer exists)."""
        value = (await session.execute(select(self.state_attr).where(self.pk_attr == pk))).scalar_one_or_none()
        return None if value is None else self.from_column(value)

    async def compare_and_set(self, session: AsyncSession, pk: object, from_state: Enum, to_state: Enum) -> bool:
        """Move the entity from ``from_state`` to ``to_state``; False when it was not in ``from_state``."""
        statement = (
            update(self.model)
            .where(self.pk_attr == pk, self.state_attr == self.to_column(from_state))
            .values({self.state_attr.key: self.to_column(to_state)})
            .execution_options(synchronize_session="fetch")
        )
        result = await session.execute(statement)
        return bool(getattr(result, "rowcount", 0) == 1)

    async def record(
        self, session: AsyncSession, machine: str, pk: object, step: Enum, moved: tuple[Enum, Enum], actor: str | None
    ) -> None:
        """Add the transition to the history table (in the transition's transaction)."""
        if self.history is None:
            return
        await session.execute(
            insert(self.history).values(
                machine=machine,
                entity_id=str(pk),
                step=step.name,
                from_state=moved[0].name,
                to_state=moved[1].name,
                actor=actor,
                created_at=datetime.now(UTC),
            )
        )
