"""The seed README's migrations: the db-* commands, a command prefix, and the seed's cli.py script.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: SQLite files in ``tmp_path``."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from seed_project import run_cli, sql_project


def test_migrate_commands_of_the_seed(project, tmp_path, capsys):
    sql_project(project, f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    app = project.application()

    run_cli(app, capsys, "db-init")
    assert (project.package / "migrations" / "env.py").is_file()  # ALEMBIC_MIGRATION_DIR default
    run_cli(app, capsys, "db-migrate", "--message", "Your migration message")
    versions = list((project.package / "migrations" / "versions").glob("*.py"))
    assert len(versions) == 1 and "Your migration message" in versions[0].read_text()
    revision = versions[0].name.split("_")[0]
    run_cli(app, capsys, "db-upgrade")
    import sqlite3

    with sqlite3.connect(tmp_path / "test.db") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "roles", "alembic_version"} <= tables

    assert revision in run_cli(app, capsys, "db-current", "--verbose")
    assert revision in run_cli(app, capsys, "db-heads", "--verbose")
    assert "(current)" in run_cli(app, capsys, "db-history", "--verbose", "--indicate-current")
    assert "Your migration message" in run_cli(app, capsys, "db-show", "--revision", revision)
    run_cli(app, capsys, "db-downgrade", "--revision", "base")
    assert revision not in run_cli(app, capsys, "db-current")
    run_cli(app, capsys, "db-stamp", "--revision", revision)
    assert revision in run_cli(app, capsys, "db-current")


def test_migrate_command_prefix_and_sync_uri(project, tmp_path, capsys):
    sql_project(
        project,
        f"sqlite+aiosqlite:///{tmp_path / 'second.db'}",
        ALEMBIC_MIGRATION_DIR="second_migrations",
        ALEMBIC_DATABASE_URI_SYNC=f"sqlite:///{tmp_path / 'second.db'}",
    )
    project.write(
        "extensions.py",
        """
        from surge.database.sql import SqlDatabase
        from surge.database.sql.migrate import Migrate

        db: SqlDatabase = SqlDatabase()
        migrate: Migrate = Migrate(db, command_prefix="second-")
        """,
    )
    app = project.application()
    run_cli(app, capsys, "second-db-init")
    run_cli(app, capsys, "second-db-migrate", "--message", "first")
    run_cli(app, capsys, "second-db-upgrade")
    assert "(head)" in run_cli(app, capsys, "second-db-current")
    with pytest.raises(SystemExit):
        app.run_cli(["db-init"])  # only the prefixed names exist
    capsys.readouterr()


def test_cli_script_of_the_seed_runs_migrations(project, tmp_path):
    """``uv run cli.py db-init`` with the seed's cli.py next to run.py."""
    sql_project(project, f"sqlite+aiosqlite:///{tmp_path / 'script.db'}")
    (tmp_path / "cli.py").write_text(
        textwrap.dedent(
            f"""
            \"\"\"CLI utility script\"\"\"

            if __name__ == "__main__":
                from {project.name} import Application
                app = Application()
                app.run_cli()
            """
        )
    )
    for argv in (["db-init"], ["db-migrate", "--message", "init"], ["db-upgrade"]):
        result = subprocess.run(
            [sys.executable, "cli.py", *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "script.db") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
