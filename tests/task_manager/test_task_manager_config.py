"""TASK_MANAGER helpers: the sync URL a job store needs."""

from __future__ import annotations

from surge.task_manager.config import sync_database_url


def test_sync_database_url():
    assert sync_database_url("sqlite+aiosqlite:///./x.db") == "sqlite:///./x.db"
    assert sync_database_url("postgresql+asyncpg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sync_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
