"""Create the TechEmpower `world` and `fortune` tables on the local PostgreSQL (idempotent).

Run with the Surge venv (it has asyncpg)::

    .venv/bin/python benchmarks/tfb_setup.py            # database `tfb` on 127.0.0.1:5432
    TFB_DSN=postgresql://postgres@127.0.0.1:5432/other .venv/bin/python benchmarks/tfb_setup.py

The database named in the DSN is created when absent (through the `postgres` maintenance
database), so the benchmark never touches the `test` database the test suite uses.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/tfb"
WORLD_ROWS = 10_000
# The twelve standard TFB fortunes (id, message); the verifier sorts them with the extra row.
FORTUNES: tuple[tuple[int, str], ...] = (
    (1, "fortune: No such file or directory"),
    (2, "A computer scientist is someone who fixes things that aren't broken."),
    (3, "After enough decimal places, nobody gives a damn."),
    (4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    (5, "A computer program does what you tell it to do, not what you want it to do."),
    (6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"),
    (7, "Any program that runs right is obsolete."),
    (8, "A list is only as strong as its weakest link. — Donald Knuth"),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
    (12, "フレームワークのベンチマーク"),
)


def dsn_from_env() -> str:
    """The asyncpg DSN of the benchmark database (``TFB_DSN``, default database ``tfb``)."""
    return os.environ.get("TFB_DSN", DEFAULT_DSN)


def _database_name(dsn: str) -> str:
    name = urlsplit(dsn).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"TFB_DSN must name a plain database (letters, digits, _): {dsn!r}")
    return name


async def create_database(dsn: str) -> bool:
    """Create the DSN's database if it does not exist; True when it was created."""
    import asyncpg

    name = _database_name(dsn)
    parts = urlsplit(dsn)
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        await admin.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await admin.close()


async def drop_database(dsn: str) -> None:
    """Drop the DSN's database (tests make a throwaway one)."""
    import asyncpg

    name = _database_name(dsn)
    admin = await asyncpg.connect(urlunsplit(urlsplit(dsn)._replace(path="/postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def seed(dsn: str) -> None:
    """(Re)create `world` (10,000 rows) and `fortune` (12 rows) unless both are already right."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        ready = False
        if await conn.fetchval(
            "SELECT to_regclass('world') IS NOT NULL AND to_regclass('fortune') IS NOT NULL"
        ):
            ready = await conn.fetchval(
                "SELECT (SELECT count(*) FROM world) = $1 AND (SELECT count(*) FROM fortune) = $2",
                WORLD_ROWS,
                len(FORTUNES),
            )
        if ready:
            return
        async with conn.transaction():
            await conn.execute("DROP TABLE IF EXISTS world; DROP TABLE IF EXISTS fortune")
            await conn.execute(
                "CREATE TABLE world (id integer NOT NULL PRIMARY KEY, randomnumber integer NOT NULL DEFAULT 0)"
            )
            await conn.execute(
                "CREATE TABLE fortune (id integer NOT NULL PRIMARY KEY, message varchar(2048) NOT NULL)"
            )
            rng = random.Random()
            await conn.copy_records_to_table(
                "world", records=[(i, rng.randint(1, 10_000)) for i in range(1, WORLD_ROWS + 1)]
            )
            await conn.copy_records_to_table("fortune", records=list(FORTUNES))
        await conn.execute("ANALYZE world; ANALYZE fortune")
    finally:
        await conn.close()


async def prepare(dsn: str) -> None:
    """Create the database if needed and seed it."""
    await create_database(dsn)
    await seed(dsn)


def main() -> int:
    dsn = dsn_from_env()
    try:
        asyncio.run(prepare(dsn))
    except (OSError, ValueError) as exc:
        print(f"[tfb-setup] cannot prepare {dsn}: {exc}", file=sys.stderr)
        return 1
    print(f"[tfb-setup] {dsn}: world ({WORLD_ROWS} rows) and fortune ({len(FORTUNES)} rows) ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
