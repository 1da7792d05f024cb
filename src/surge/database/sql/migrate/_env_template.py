"""Alembic environment written by ``db-init``; Surge's ``Migrate`` drives it.

``Migrate`` passes the models' metadata as ``config.attributes["target_metadata"]`` and,
unless ``ALEMBIC_DATABASE_URI_SYNC`` is set, an open connection of the app's async engine
as ``config.attributes["connection"]``. Edit this file to customise autogenerate (e.g.
``include_object``); ``db-init`` never overwrites it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

config = context.config
target_metadata = config.attributes.get("target_metadata")


def _run_migrations() -> None:
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade --sql``)."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    _run_migrations()


def _run_with(connection: Connection) -> None:
    # SQLite cannot ALTER most things in place: batch mode rebuilds the table instead.
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        connection=connection,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    _run_migrations()


def run_migrations_online() -> None:
    """Run against the shared connection, or a sync engine built from ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as sync_connection:
        _run_with(sync_connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
