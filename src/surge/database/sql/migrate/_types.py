"""What the ``db-*`` commands need of ``Migrate``, so ``commands`` does not import the extension."""

from __future__ import annotations

from typing import Protocol

__all__ = ["Migrations"]


class Migrations(Protocol):
    """The migration steps the commands run (``Migrate`` is one)."""

    command_prefix: str

    async def init(self) -> None:
        """Create the migrations folder."""
        ...

    async def migrate(self, message: str = "") -> None:
        """Autogenerate a revision."""
        ...

    async def upgrade(self, revision: str = "head") -> None:
        """Upgrade the database to ``revision``."""
        ...

    async def downgrade(self, revision: str = "-1") -> None:
        """Downgrade the database to ``revision``."""
        ...

    async def history(self, verbose: bool = False, indicate_current: bool = False) -> None:
        """Print the revision history."""
        ...

    async def current(self, verbose: bool = False) -> None:
        """Print the database's current revision."""
        ...

    async def heads(self, verbose: bool = False) -> None:
        """Print the head revisions."""
        ...

    async def show(self, revision: str = "head") -> None:
        """Print one revision."""
        ...

    async def stamp(self, revision: str = "head") -> None:
        """Record ``revision`` as current without running migrations."""
        ...
