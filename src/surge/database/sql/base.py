"""Declarative bases for models: one per database, each with its own metadata."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncSession
from sqlalchemy.orm import DeclarativeBase

from surge.database.sql._current import current_session
from surge.database.sql.query import AsyncQuery

__all__ = ["SurgeModel", "create_declarative_base", "create_declerative_base"]


class SurgeModel(AsyncAttrs):
    """What every model built on :func:`create_declarative_base` can do.

    ``AsyncAttrs`` adds ``await obj.awaitable_attrs.relation`` for lazy loading in async code.
    """

    __db_name__: ClassVar[str]

    @classmethod
    def query(cls, session: AsyncSession | None = None) -> AsyncQuery[Self]:
        """A query of this model in ``session``.

        Without a session, the one that ``@managed_session`` / ``@readonly_session`` opened for
        this model's database in the running request is used.

        Raises:
            RuntimeError: no session was given and none is open for this database.
        """
        if session is None:
            session = current_session(cls.__db_name__)
            if session is None:
                raise RuntimeError(
                    f"{cls.__name__}.query() needs a session: pass one, or decorate the endpoint with "
                    f"@managed_session / @readonly_session of the {cls.__db_name__!r} database"
                )
        return AsyncQuery(session, cls)


def create_declarative_base(db_name: str = "db") -> Any:
    """A new declarative base class for the models of database ``db_name``.

    ``db_name`` must match the ``db_name`` of the :class:`SqlDatabase` the models live in; each
    base has its own ``metadata``, so several databases never mix their tables.
    """
    return type(
        "DeclarativeBase",
        (SurgeModel, DeclarativeBase),
        {"__db_name__": db_name, "__doc__": f"Declarative base of the {db_name!r} database's models."},
    )


create_declerative_base = create_declarative_base
"""The seed's spelling, kept as an alias."""
