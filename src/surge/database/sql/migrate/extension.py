"""``Migrate``: Alembic migrations for one ``SqlDatabase``, driven from the app's CLI."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import alembic
from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from surge.cli.controller import CLIController, CommandProvider
from surge.database.sql.config import SqlDatabaseConfig
from surge.database.sql.migrate.commands import MigrateCommands
from surge.database.sql.migrate.errors import MigrationError
from surge.extension import BaseExtension

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.database.sql.extension import SqlDatabase

__all__ = ["Migrate", "MigrationError"]

_ENV_TEMPLATE = Path(__file__).with_name("_env_template.py")
_SCRIPT_TEMPLATE = Path(alembic.__file__).parent / "templates" / "generic" / "script.py.mako"


def _kebab(name: str) -> str:
    """``SQL_DATABASE`` -> ``sql-database`` (PyJolt's command prefix of a database)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


class Migrate(BaseExtension[SqlDatabaseConfig], CommandProvider):
    """Alembic migrations for ``db``, exposed as the ``<prefix>db-*`` commands of ``app.run_cli()``.

    Reads ``ALEMBIC_MIGRATION_DIR`` and ``ALEMBIC_DATABASE_URI_SYNC`` from the database's
    config section. Autogenerate compares against the models of ``MODELS`` that belong to
    ``db``. Without a sync URL, migrations run through the app's async engine, so no sync
    driver is needed.

    Args:
        db: the database to migrate.
        command_prefix: put before every command name (``"analytics-"`` gives
            ``analytics-db-upgrade``), to tell a second database's commands apart.
    """

    config_model = SqlDatabaseConfig  # the database's own section: ALEMBIC_* keys

    def __init__(self, db: SqlDatabase, command_prefix: str = "") -> None:
        super().__init__(db.configs_name)
        self._db = db
        self.command_prefix = command_prefix
        self._directory = ""
        self._sync_uri: str | None = None

    @property
    def extension_name(self) -> str:
        """``<section>_migrate``, next to the database's own entry in ``app.extensions``."""
        return f"{self.configs_name.lower()}_migrate"

    @property
    def db(self) -> SqlDatabase:
        """The database this object migrates."""
        return self._db

    def configure(self, app: Surge, config: SqlDatabaseConfig) -> None:
        """Read the migration keys of the database's config section."""
        self._directory = os.path.join(app.root_path, config.ALEMBIC_MIGRATION_DIR)
        self._sync_uri = config.ALEMBIC_DATABASE_URI_SYNC

    def cli_controllers(self) -> list[CLIController]:
        """The migration commands under each of :meth:`command_prefixes`; ``app.run_cli()``
        collects them from every extension."""
        return [MigrateCommands(self.app, self, self.command_prefixes())]

    def command_prefixes(self) -> list[str]:
        """The prefixes of this database's commands, decided once every extension is registered.

        ``<command_prefix>db-``, the README's form, for the default section, for a given
        ``command_prefix``, or when this is the app's only ``Migrate``; and ``<db_name>-`` and
        ``<section>-`` in kebab case, as PyJolt names them (``sql-database-``, ``other-db-``).
        Two databases therefore never share a command.
        """
        migrates = {id(ext) for ext in self.app.extensions.values() if isinstance(ext, Migrate)}
        prefixes = []
        if self.command_prefix or self.configs_name == "SQL_DATABASE" or len(migrates) <= 1:
            prefixes.append(f"{self.command_prefix}db-")
        for name in (self._db.db_name, self.configs_name):
            if (prefix := f"{_kebab(name)}-") != "db-":  # "db-" only by the README's rule above
                prefixes.append(prefix)
        return list(dict.fromkeys(prefixes))

    @property
    def directory(self) -> str:
        """The migrations folder (``ALEMBIC_MIGRATION_DIR`` under the app's ``BASE_PATH``)."""
        self.app  # noqa: B018 - the one "bound to an app" check
        return self._directory

    def alembic_config(self, metadata: list[MetaData] | None = None) -> Config:
        """An Alembic config for the migrations folder.

        No alembic.ini is needed; one in the folder (PyJolt's ``db-init`` writes it) is read,
        so an env.py that calls ``fileConfig(config.config_file_name)`` works. The folder and
        ``versions/`` always come from ``ALEMBIC_MIGRATION_DIR``. ``sqlalchemy.url`` is
        ``ALEMBIC_DATABASE_URI_SYNC``, else the app's own URL, for an env.py that builds its
        engine from it (it then runs inside the app's async engine's greenlet).
        """
        ini = os.path.join(self.directory, "alembic.ini")
        config = Config(ini, stdout=sys.stdout) if os.path.isfile(ini) else Config(stdout=sys.stdout)
        config.set_main_option("script_location", self.directory.replace("%", "%%"))
        config.set_main_option("version_locations", os.path.join(self.directory, "versions").replace("%", "%%"))
        config.set_main_option("path_separator", "os")
        url = self._sync_uri or self._db.engine.url.render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        config.attributes["target_metadata"] = (
            metadata if metadata is None or len(metadata) != 1 else metadata[0]
        )
        return config

    async def _run(self, step: Callable[[Config], Any], autogenerate: bool = False) -> None:
        if not os.path.isfile(os.path.join(self.directory, "env.py")):
            raise MigrationError(
                f"No migrations folder at {self.directory}: run {self.command_prefix}db-init first"
            )
        metadata: list[MetaData] | None = None
        if autogenerate:
            metadata = self._db.metadatas
            if not metadata:
                raise MigrationError(
                    f"No models of database {self._db.db_name!r} in MODELS: list them there so autogenerate sees them"
                )
        config = self.alembic_config(metadata)
        try:
            if self._sync_uri:
                await asyncio.to_thread(step, config)
                return

            def with_connection(connection: Connection) -> None:
                config.attributes["connection"] = connection
                step(config)

            async with self._db.engine.begin() as connection:
                await connection.run_sync(with_connection)
        except CommandError as exc:
            raise MigrationError(str(exc)) from exc

    # -- commands -----------------------------------------------------------------------------
    async def init(self) -> None:
        """Create the migrations folder (env.py, script template, versions/); keeps existing files."""
        directory = Path(self.directory)
        (directory / "versions").mkdir(parents=True, exist_ok=True)
        env = directory / "env.py"
        if not env.exists():
            shutil.copyfile(_ENV_TEMPLATE, env)
        script = directory / "script.py.mako"
        if not script.exists():
            shutil.copyfile(_SCRIPT_TEMPLATE, script)
        print(f"Migrations folder ready: {directory}")

    async def migrate(self, message: str = "") -> None:
        """Autogenerate a revision from the difference between the models and the database."""
        await self._run(lambda cfg: command.revision(cfg, message=message or None, autogenerate=True), True)

    async def upgrade(self, revision: str = "head") -> None:
        """Upgrade the database to ``revision`` (default: the newest)."""
        await self._run(lambda cfg: command.upgrade(cfg, revision))

    async def downgrade(self, revision: str = "-1") -> None:
        """Downgrade the database to ``revision`` (default: one step back)."""
        await self._run(lambda cfg: command.downgrade(cfg, revision))

    async def history(self, verbose: bool = False, indicate_current: bool = False) -> None:
        """Print the revision history."""
        await self._run(lambda cfg: command.history(cfg, verbose=verbose, indicate_current=indicate_current))

    async def current(self, verbose: bool = False) -> None:
        """Print the database's current revision."""
        await self._run(lambda cfg: command.current(cfg, verbose=verbose))

    async def heads(self, verbose: bool = False) -> None:
        """Print the head revisions."""
        await self._run(lambda cfg: command.heads(cfg, verbose=verbose))

    async def show(self, revision: str = "head") -> None:
        """Print one revision."""
        await self._run(lambda cfg: command.show(cfg, revision))

    async def stamp(self, revision: str = "head") -> None:
        """Record ``revision`` as current without running migrations."""
        await self._run(lambda cfg: command.stamp(cfg, revision))
