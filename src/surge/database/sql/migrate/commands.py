"""The ``<prefix>-*`` commands of a ``Migrate`` object (``db-init``, ``sql-database-init``, ...)."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from surge.cli.controller import CLIController, CommandSpec, argument, command
from surge.database.sql.migrate.errors import MigrationError

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.database.sql.migrate._types import Migrations

__all__ = ["MigrateCommands"]


async def _report(step: Awaitable[None]) -> int:
    """Run a migration step; a known failure prints one line to stderr and exits with 1."""
    try:
        await step
    except MigrationError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


class MigrateCommands(CLIController):
    """``init``, ``migrate``, ``upgrade``, ... for one ``Migrate``, under each of its prefixes
    (``db-`` and ``sql-database-`` for the default database: ``db-upgrade``, ``sql-database-upgrade``)."""

    def __init__(self, app: Surge, migrate: Migrations, prefixes: Sequence[str]) -> None:
        super().__init__(app, prefixes[0])
        self.migrate = migrate
        self.prefixes = tuple(prefixes)

    def commands(self) -> dict[str, tuple[CommandSpec, Callable[..., Any]]]:
        """Every command once per prefix."""
        own = super().commands()
        first = self.command_prefix
        return {
            prefix + name[len(first) :]: entry for prefix in self.prefixes for name, entry in own.items()
        }

    @command("init", help="Create the migrations folder")
    async def db_init(self) -> int:
        return await _report(self.migrate.init())

    @command("migrate", help="Autogenerate a revision from the models")
    @argument("message", str, "Revision message", default="")
    async def db_migrate(self, message: str) -> int:
        return await _report(self.migrate.migrate(message))

    @command("upgrade", help="Upgrade the database (default: to head)")
    @argument("revision", str, "Target revision", default="head")
    async def db_upgrade(self, revision: str) -> int:
        return await _report(self.migrate.upgrade(revision))

    @command("downgrade", help="Downgrade the database (default: one step)")
    @argument("revision", str, "Target revision", default="-1")
    async def db_downgrade(self, revision: str) -> int:
        return await _report(self.migrate.downgrade(revision))

    @command("history", help="Show the revision history")
    @argument("verbose", bool, "Show details", default=False)
    @argument("indicate-current", bool, "Mark the current revision", default=False)
    async def db_history(self, verbose: bool, indicate_current: bool) -> int:
        return await _report(self.migrate.history(verbose, indicate_current))

    @command("current", help="Show the database's current revision")
    @argument("verbose", bool, "Show details", default=False)
    async def db_current(self, verbose: bool) -> int:
        return await _report(self.migrate.current(verbose))

    @command("heads", help="Show the head revisions")
    @argument("verbose", bool, "Show details", default=False)
    async def db_heads(self, verbose: bool) -> int:
        return await _report(self.migrate.heads(verbose))

    @command("show", help="Show a revision (default: head)")
    @argument("revision", str, "Revision to show", default="head")
    async def db_show(self, revision: str) -> int:
        return await _report(self.migrate.show(revision))

    @command("stamp", help="Mark the database as at a revision without migrating")
    @argument("revision", str, "Revision to record", default="head")
    async def db_stamp(self, revision: str) -> int:
        return await _report(self.migrate.stamp(revision))
