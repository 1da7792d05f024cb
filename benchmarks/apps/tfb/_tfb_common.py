"""What every TFB app shares: where the database is, the `queries` rule, the extra fortune.

Stdlib only, so every peer venv can import it. The database comes from ``TFB_DSN``
(``benchmarks/tfb_setup.py`` creates it); SQLAlchemy apps use the same URL with
``postgresql+asyncpg://``.
"""

from __future__ import annotations

import os
import random

DSN = os.environ.get("TFB_DSN", "postgresql://postgres@127.0.0.1:5432/tfb")
SQLALCHEMY_URL = DSN.replace("postgresql://", "postgresql+asyncpg://", 1)
# One fixed pool for every app, so no framework wins by opening more connections:
# SQLAlchemy apps use pool_size=POOL_SIZE, max_overflow=0; raw asyncpg min=max=POOL_SIZE.
POOL_SIZE = int(os.environ.get("TFB_POOL_SIZE", "10"))
WORLD_ROWS = 10_000
EXTRA_FORTUNE = "Additional fortune added at request time."
TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
FORTUNES_TEMPLATE = "fortunes.html"


def clamp_queries(raw: str | None) -> int:
    """TFB's rule for `queries` / `count`: not an integer -> 1, then clamped to 1..500."""
    try:
        value = int(raw) if raw else 1
    except ValueError:
        return 1
    return min(max(value, 1), 500)


def random_ids(count: int) -> list[int]:
    """`count` distinct random world ids (1..10,000)."""
    return random.sample(range(1, WORLD_ROWS + 1), count)


def random_number() -> int:
    """A new randomNumber for /updates (1..10,000)."""
    return random.randint(1, 10_000)
